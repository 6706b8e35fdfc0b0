"""Generated projects on the lowest and the highest FastStream of the range they declare.

The highest is this environment's (the suite's other project tests run on it, and it
must lie in the range). The lowest gets a second virtual environment, built once and
kept in the user's cache folder (`~/.cache/msgflow-tests/`), where the shop on every
broker and the other bundled examples are checked the way its own CI would: strict mypy against that environment's
packages and the project's own tests run by its Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from designer.cli import main
from designer.core.codegen.python_target import FASTSTREAM_LOWEST, FASTSTREAM_RANGE
from designer.resources import examples_dir
from tests.support.generated_project import run_in, tool
from tests.support.requirements import require

SHOP = examples_dir() / "shop.msgflow.json"
EXAMPLES = ["booking", "marketplace"]  # the other bundled examples (the shop runs on all four)
# What a generated project installs besides FastStream (requirements-msgflow.txt, [test]).
PROJECT_NEEDS = [
    "pydantic>=2.11,<3",
    "fastapi>=0.110,<1",
    "uvicorn>=0.29",
    "httpx>=0.27,<1",
    "pytest>=8",
    "pytest-asyncio>=0.23",
]


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msgflow-tests"


def _lowest_environment() -> Path:
    """A venv with FASTSTREAM_LOWEST (built on first use, then reused); its python."""
    folder = _cache_root() / f"faststream-{FASTSTREAM_LOWEST}"
    python = folder / "bin" / "python"
    if (folder / "ready").exists():
        return python
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", str(building)],
        [
            str(building / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            f"faststream[rabbit,nats,redis,kafka,cli]=={FASTSTREAM_LOWEST}",
            *PROJECT_NEEDS,
        ],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, timeout=900)
        require(
            result.returncode == 0,
            f"cannot build an environment with faststream {FASTSTREAM_LOWEST} "
            f"(no package index?): {result.stderr[-500:]}",
        )
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)  # venv scripts name their folder: only python -m is used
    (folder / "ready").write_text(FASTSTREAM_LOWEST, encoding="utf-8")
    return python


def test_this_environment_has_a_faststream_of_the_declared_range() -> None:
    installed = version("faststream")
    assert installed in SpecifierSet(FASTSTREAM_RANGE), (installed, FASTSTREAM_RANGE)
    assert FASTSTREAM_LOWEST in SpecifierSet(FASTSTREAM_RANGE)


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
def test_generated_projects_pass_on_the_lowest_faststream(tmp_path: Path) -> None:
    python = _lowest_environment()
    cache = _cache_root() / f"mypy-{FASTSTREAM_LOWEST}"
    failures = []
    projects = [(SHOP, broker) for broker in ["rabbitmq", "nats", "redis", "kafka"]]
    projects += [(examples_dir() / f"{name}.msgflow.json", "rabbitmq") for name in EXAMPLES]
    for design, broker in projects:
        out = tmp_path / f"{design.name.split('.')[0]}-{broker}"
        assert main(["generate", str(design), "-o", str(out), "--broker", broker]) == 0
        requirements = (out / "requirements-msgflow.txt").read_text(encoding="utf-8")
        assert f"{FASTSTREAM_RANGE}\n" in requirements
        commands = [
            [tool("mypy"), "--python-executable", str(python), "--cache-dir", str(cache), "."],
            [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"],
        ]
        for command in commands:
            result = run_in(out, command)
            if result.returncode != 0:
                failures.append(f"{out.name}: {Path(command[0]).name}\n{result.stdout[-3000:]}")
    assert not failures, "\n".join(failures)
