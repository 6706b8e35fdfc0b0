"""Generated projects pass their own quality gates straight after generation.

Each project is generated through the CLI, then checked in a subprocess with this
environment's tools (it has faststream, fastapi, httpx, pytest-asyncio, ruff and mypy):
`ruff check`, `ruff format --check`, `mypy` (the project's own strict config) and the
project's generated pytest suite. Once per project, not per file, to keep the suite fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir
from tests.core.codegen.hostile import hostile_dict, hostile_unions_dict, scrambled_design
from tests.support.generated_project import (
    assert_project_passes_its_gates,
    run_in,
    tool,
)

SHOP = examples_dir() / "shop.msgflow.json"


def _snapshot(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for every project of this module: faststream, fastapi and pydantic are
    # analysed once instead of once per project.
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "redis", "kafka"])
def test_shop_project_passes_ruff_mypy_and_its_tests(
    tmp_path: Path, broker: str, mypy_cache: Path
) -> None:
    out = tmp_path / "shop"
    assert main(["generate", str(SHOP), "-o", str(out), "--broker", broker]) == 0
    assert_project_passes_its_gates(out, mypy_cache)


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("example", ["booking", "marketplace"])
def test_bundled_examples_give_projects_that_pass(
    tmp_path: Path, example: str, mypy_cache: Path
) -> None:
    # The marketplace has a handler asking two queries that answer on one reply queue:
    # two answers of different types, one reply subscriber.
    out = tmp_path / example
    design = examples_dir() / f"{example}.msgflow.json"
    assert main(["generate", str(design), "-o", str(out)]) == 0
    assert_project_passes_its_gates(out, mypy_cache)


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
def test_hostile_names_stay_inside_and_pass(tmp_path: Path, mypy_cache: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    design = workspace / "hostile.msgflow.json"
    design.write_text(json.dumps(hostile_dict()), encoding="utf-8")
    sentinel = tmp_path / "etc"
    before = _snapshot(tmp_path)
    out = workspace / "deep" / "out"
    assert main(["generate", str(design), "-o", str(out), "--allow-errors"]) == 0
    created = _snapshot(tmp_path) - before
    inside = out.resolve()
    outside = [p for p in created if not p.resolve().is_relative_to(inside)]
    # Only the folders leading to the output folder itself may appear outside it.
    assert outside == [workspace / "deep"], f"written outside the output folder: {outside}"
    assert not sentinel.exists()
    packages = sorted(p.name for p in out.iterdir() if (p / "_generated.py").exists())
    assert len(packages) == 8 and all(p.isidentifier() and p.isascii() for p in packages)
    assert_project_passes_its_gates(out, mypy_cache)


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("broker", ["rabbitmq", "nats"])
def test_scrambled_names_give_ruff_clean_projects(tmp_path: Path, broker: str) -> None:
    for seed in range(6):
        design = tmp_path / f"design-{seed}.msgflow.json"
        io.save(scrambled_design(seed), design)
        assert (
            main(
                [
                    "generate",
                    str(design),
                    "-o",
                    str(tmp_path / f"p{seed}"),
                    "--broker",
                    broker,
                    "--allow-errors",
                ]
            )
            == 0
        )
    # One ruff run over all of them: each project is checked with its own pyproject.
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = run_in(tmp_path, [tool("ruff"), *command])
        assert result.returncode == 0, result.stdout + result.stderr


def _long_named_design() -> dict[str, object]:
    """The shop with valid names and descriptions longer than a line, spaces or none."""
    design = json.loads(SHOP.read_text(encoding="utf-8"))
    word = "Extraordinarily" * 6  # one 90-character word
    design["name"] = f"Shop {word} " + "x" * 120
    for node in design["nodes"]:
        node["name"] = f"{node['name']} {word}"
        node["description"] = "z" * 130
    for message in design["messages"]:
        message["name"] = message["name"] + word
        message["description"] = f"{word} {word} w"
    design["messages"][0]["fields"].append({"name": "f" + "e" * 95, "type": "string"})
    return design


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "redis", "kafka"])
def test_long_names_give_lines_within_the_line_length(tmp_path: Path, broker: str) -> None:
    design = tmp_path / "long.msgflow.json"
    design.write_text(json.dumps(_long_named_design()), encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(["generate", str(design), "-o", str(out), "--broker", broker, "--allow-errors"]) == 0
    )
    for command in (["check", "--select", "E501"], ["format", "--check"]):
        result = run_in(out, [tool("ruff"), *command, "--no-cache", "."])
        assert result.returncode == 0, result.stdout + result.stderr


UNIONS = Path(__file__).resolve().parents[1] / "data" / "unions.msgflow.json"
UNION_WIRE_TEST = Path(__file__).resolve().parents[1] / "data" / "union_wire_test.py.txt"


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("broker", ["rabbitmq", "nats"])
def test_a_union_design_gives_a_project_that_passes(
    tmp_path: Path, broker: str, mypy_cache: Path
) -> None:
    out = tmp_path / "drawing"
    assert main(["generate", str(UNIONS), "-o", str(out), "--broker", broker]) == 0
    if broker == "rabbitmq":
        # Real JSON bodies through the generated wiring: the discriminator picks the
        # record, a value no alternative has is refused, enums and unions read back.
        (out / "tests" / "test_union_wire.py").write_text(UNION_WIRE_TEST.read_text())
    assert_project_passes_its_gates(out, mypy_cache)


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
def test_hostile_unions_and_enums_give_a_project_that_passes(
    tmp_path: Path, mypy_cache: Path
) -> None:
    # Long record names in unions and defaults, tags with quotes and newlines, a tag field
    # that is a Python keyword: laid out as ruff would, typed, and its tests pass.
    design = tmp_path / "hostile-unions.msgflow.json"
    design.write_text(json.dumps(hostile_unions_dict()), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", str(design), "-o", str(out), "--allow-errors"]) == 0
    assert_project_passes_its_gates(out, mypy_cache)
