"""Designs imported from real AsyncAPI documents generate projects that pass their gates.

A subset of the corpus (tests/data/asyncapi, see LICENSES.md), one per kind of system: the
multi-file social-media system (MQTT and WebSocket, parameterised channels), an RPC client
and server imported together (a query with its response), and a Kafka API with channel
parameters, and two with union payloads (`oneOf`, one discriminated by a `const`). Each is imported, generated, then checked with `ruff format --check`, `mypy`
(the project's strict config) and the project's own tests; `ruff check` separately.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main
from tests.support.generated_project import project_pytest, run_in, tool

DATA = Path(__file__).resolve().parents[1] / "data" / "asyncapi" / "spec-3.0"

SYSTEMS = {
    "social-media": sorted((DATA / "social-media").glob("*/asyncapi.yaml")),
    "rpc-client+server": sorted(DATA.glob("rpc-*.yml")),
    "streetlights-kafka": [DATA / "streetlights-kafka-asyncapi.yml"],
    # Unions: a payload that is heartbeat | update, told apart by `type: {const: ...}`,
    # and one that is oneOf two records with nothing to tell them apart.
    "websocket-gemini": [DATA / "websocket-gemini-asyncapi.yml"],
    "oneof": [DATA / "oneof-asyncapi.yml"],
    # Queries whose answer is one of several records (a oneOf reply; two reply messages).
    "kraken": [DATA / "kraken-websocket-request-reply-multiple-channels-asyncapi.yml"],
}


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def _project(tmp_path: Path, system: str) -> Path:
    design = tmp_path / "imported.msgflow.json"
    assert main(["import", "asyncapi", *map(str, SYSTEMS[system]), "-o", str(design)]) == 0
    out = tmp_path / "project"
    assert main(["generate", str(design), "-o", str(out)]) == 0  # no design errors
    return out


def _run(command: list[str], project: Path) -> None:
    result = run_in(project, command)
    assert result.returncode == 0, (
        f"{' '.join(command[:2])} failed in {project}:\n{result.stdout}\n{result.stderr}"
    )


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_imported_system_gives_a_project_that_types_and_passes_its_tests(
    tmp_path: Path, system: str, mypy_cache: Path
) -> None:
    project = _project(tmp_path, system)
    _run([tool("ruff"), "format", "--check", "--no-cache", "."], project)
    _run([tool("mypy"), "--cache-dir", str(mypy_cache), "."], project)
    _run(project_pytest(), project)


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_imported_system_gives_a_ruff_clean_project(tmp_path: Path, system: str) -> None:
    _run([tool("ruff"), "check", "--no-cache", "."], _project(tmp_path, system))
