"""Designs imported from real AsyncAPI documents generate projects that pass their gates.

Every system of the corpus (tests/data/asyncapi, see LICENSES.md; the same cases the
corpus tests import) is imported, generated, then checked with `ruff check`,
`ruff format --check`, `mypy` (the project's strict config) and the project's own tests.
The corpus holds material nobody here wrote: the multi-file social-media system (MQTT and
WebSocket, parameterised channels), RPC clients and servers (queries with responses),
Kafka APIs, unions (`oneOf`, discriminated by a `const` or not), Slack's 47 events.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from designer.cli import main
from tests.core.importers.test_asyncapi_corpus import CASES
from tests.support.generated_project import (
    assert_project_passes_its_gates,
)


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def _project(tmp_path: Path, case: str, *options: str) -> Path:
    design = tmp_path / "imported.msgflow.json"
    assert main(["import", "asyncapi", *map(str, CASES[case]), "-o", str(design)]) == 0
    out = tmp_path / "project"
    assert main(["generate", str(design), "-o", str(out), *options]) == 0  # no design errors
    return out


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("case", sorted(CASES))
def test_imported_system_gives_a_project_that_lints_types_and_passes_its_tests(
    tmp_path: Path, case: str, mypy_cache: Path
) -> None:
    project = _project(tmp_path, case)
    assert_project_passes_its_gates(project, mypy_cache)


# Systems with parameterised channels (`{streetlightId}`, `{commentId}`): on Redis the
# stream leaves the parameter out and the generated code puts the values in a header and
# reads them back, so the same gates run there too (one system per shape: many services,
# one service sending and receiving on parameterised channels).
REDIS_CASES = ["spec-3.0/social-media", "spec-3.0/streetlights-kafka-asyncapi"]


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
@pytest.mark.parametrize("case", REDIS_CASES)
def test_imported_system_with_channel_parameters_passes_its_gates_on_redis(
    tmp_path: Path, case: str, mypy_cache: Path
) -> None:
    project = _project(tmp_path, case, "--broker", "redis")
    code = "".join(p.read_text(encoding="utf-8") for p in project.glob("*/_generated.py"))
    assert re.search(r"publish_kwargs\(\s*channel=f", code)  # the values in the header
    assert_project_passes_its_gates(project, mypy_cache)
