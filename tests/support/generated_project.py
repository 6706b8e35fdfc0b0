"""Running a generated project's own tools (ruff, mypy, its pytest suite) in a subprocess,
as its user would, with this environment's interpreter and tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A command-line tool of this environment (ruff, mypy)."""
    return str(BIN / name)


def project_pytest(*args: str) -> list[str]:
    """The project's pytest, in one process (no xdist, no cache), warnings left as warnings."""
    return [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "-W",
        "ignore",
        *args,
    ]


def run_in(
    project: Path, command: list[str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`command` run in `project`, outside this test run: the outer pytest's (and
    coverage's) environment variables would change how a nested pytest behaves."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=timeout
    )


def assert_project_passes_its_gates(project: Path, mypy_cache: Path | None) -> None:
    """`ruff check`, `ruff format --check`, mypy (unless `mypy_cache` is None) and the
    project's own tests, each as the project's user runs them, all passing."""
    commands = [
        [tool("ruff"), "check", "--no-cache", "."],
        [tool("ruff"), "format", "--check", "--no-cache", "."],
        [tool("mypy"), "--cache-dir", str(mypy_cache), "."] if mypy_cache else [],
        project_pytest(),
    ]
    for command in filter(None, commands):
        result = run_in(project, command)
        assert result.returncode == 0, (
            f"{' '.join(command[:2])} failed in {project}:\n{result.stdout}\n{result.stderr}"
        )
