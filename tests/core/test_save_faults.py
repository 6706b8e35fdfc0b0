"""A save that fails at any step leaves the old file or the new one, whole, and no litter.

Every operating-system call `write_atomic` makes (temp file creation, write, fsync, chmod,
backup copy, renames, folder fsync) is made to fail in turn with ENOSPC, as a full disk
would, and once with a kill-like KeyboardInterrupt: the target then holds exactly the old
bytes or exactly the new ones, the backup (if any) exactly the old ones, and no temp file
is left behind.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from designer.core import io

OLD, NEW = b'{"old": true}\n' * 50, b'{"new": true}\n' * 70
PATCHED = ("fsync", "chmod", "fdopen", "replace", "open", "listdir", "unlink")


class Faults:
    """Counts the calls of the patched functions; fails the `fail_at`-th one."""

    def __init__(self, fail_at: int | None, error: BaseException) -> None:
        self.calls, self.fail_at, self.error = 0, fail_at, error

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise self.error
            return function(*args, **kwargs)

        return wrapped


def _save(folder: Path, monkeypatch: pytest.MonkeyPatch, faults: Faults) -> BaseException | None:
    target = folder / "design.msgflow.json"
    target.write_bytes(OLD)
    with monkeypatch.context() as patch:
        for name in PATCHED:
            patch.setattr(os, name, faults.wrap(getattr(os, name)))
        patch.setattr(tempfile, "mkstemp", faults.wrap(tempfile.mkstemp))
        try:
            io.write_atomic(target, NEW, _replace=os.replace)
        except (OSError, KeyboardInterrupt) as error:
            return error
    return None


def _steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many patched calls a save that does not fail makes."""
    folder = tmp_path / "count"
    folder.mkdir()
    faults = Faults(None, OSError())
    assert _save(folder, monkeypatch, faults) is None
    return faults.calls


@pytest.mark.parametrize(
    "error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()]
)
def test_a_failure_at_any_step_leaves_a_whole_file_and_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    steps = _steps(tmp_path, monkeypatch)
    assert steps >= 8  # the save really goes through the patched calls
    outcomes = set()
    for step in range(1, steps + 1):
        folder = tmp_path / f"step{step}"
        folder.mkdir()
        raised = _save(folder, monkeypatch, Faults(step, error))
        content = (folder / "design.msgflow.json").read_bytes()
        assert content in (OLD, NEW), step
        if raised is not None:
            assert content == OLD, f"step {step}: failure reported but the new file is in place"
        backup = folder / "design.msgflow.json~"
        if backup.exists():
            assert backup.read_bytes() == OLD, step
        assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) == [], step
        outcomes.add("new" if content == NEW else "old")
    assert outcomes == {"old", "new"}  # both ends were reached: the steps span the save
