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
