"""Generated files are written in phases (all temps, one flush, all renames, one flush).

Every operating-system call of a batch is made to fail in turn, with ENOSPC as a full disk
would and with Ctrl-C: each file then holds its old bytes or its new ones, whole; no temp
file is left; a failure before the renames leaves every file as it was; and a run that
reports success has every new file in place. The same with and without `syncfs` (the
fallback fsyncs each file and folder, as on systems without it).
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from designer.core.codegen import batch_write
from designer.core.codegen.writer import write_files

OLD = {"pkg/a.py": b"a = 'old'\n" * 40, "pkg/run.sh": b"echo old\n", "b/c.txt": b"old c\n"}
NEW = {
    "pkg/a.py": b"a = 'new'\n" * 60,
    "pkg/run.sh": b"echo new\n",
    "b/c.txt": b"new c\n",
    "pkg/fresh.py": b"fresh = 1\n",  # not there before
    "d/e/f.json": b"{}\n",  # nor its folders
}
PATCHED = ("lstat", "stat", "open", "write", "fchmod", "fsync", "close", "replace", "listdir")
REAL_SYNCFS = batch_write._syncfs()
needs_syncfs = pytest.mark.skipif(REAL_SYNCFS is None, reason="no syncfs(2) here")


class Faults:
    """Numbers the patched calls (their names in `seen`); fails the `fail_at`-th one."""

    def __init__(self, fail_at: int | None, error: BaseException) -> None:
        self.seen: list[str] = []
        self.fail_at, self.error = fail_at, error

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.seen.append(name)
            if len(self.seen) == self.fail_at:
                raise self.error
            return function(*args, **kwargs)

        return wrapped


def _prepare(out: Path) -> None:
    for relative, data in OLD.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(data)
    (out / "pkg" / "run.sh").chmod(0o750)


def _write(
    out: Path, monkeypatch: pytest.MonkeyPatch, faults: Faults, syncfs: bool
) -> BaseException | None:
    with monkeypatch.context() as patch:
        if syncfs:
            counted = faults.wrap("syncfs", REAL_SYNCFS)  # type: ignore[arg-type]
            patch.setattr(batch_write, "_syncfs", lambda: counted)
        else:
            patch.setattr(batch_write, "_syncfs", lambda: None)
        for name in PATCHED:
            patch.setattr(os, name, faults.wrap(name, getattr(os, name)))
        try:
            write_files(out, NEW, None)
        except (OSError, KeyboardInterrupt) as error:
            return error
    return None


def _state(out: Path) -> dict[str, str]:
    """Each file: 'old', 'new' or 'absent'; anything else fails the test."""
    state = {}
    for relative, data in NEW.items():
        path = out / relative
        if not path.exists():
            assert relative not in OLD, f"{relative} vanished"
            state[relative] = "absent"
            continue
        content = path.read_bytes()
        assert content in (OLD.get(relative), data), f"{relative} is damaged: {content[:40]!r}"
        state[relative] = "new" if content == data else "old"
    return state


@pytest.mark.parametrize(
    "syncfs", [pytest.param(True, marks=needs_syncfs, id="syncfs"), pytest.param(False, id="fsync")]
)
@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["ENOSPC", "Ctrl-C"],
)
def test_a_failure_at_any_step_leaves_whole_files_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, syncfs: bool
) -> None:
    clean = Faults(None, error)
    (tmp_path / "clean").mkdir()
    _prepare(tmp_path / "clean")
    assert _write(tmp_path / "clean", monkeypatch, clean, syncfs) is None
    first_rename = clean.seen.index("replace") + 1
    assert clean.seen.count("replace") == len(NEW)
    outcomes = set()
    for step in range(1, len(clean.seen) + 1):
        out = tmp_path / f"step{step}"
        out.mkdir()
        _prepare(out)
        raised = _write(out, monkeypatch, Faults(step, error), syncfs)
        state = _state(out)
        where = f"step {step} ({clean.seen[step - 1]})"
        if raised is None:
            assert set(state.values()) == {"new"}, where  # success: everything in place
        elif step <= first_rename:
            assert set(state.values()) <= {"old", "absent"}, where  # nothing renamed yet
        temps = sorted(p.name for p in out.rglob("*.tmp"))
        assert temps == [], where
        assert (out / "pkg" / "run.sh").stat().st_mode & 0o777 == 0o750, where
        outcomes.add(frozenset(state.values()))
    assert frozenset({"old", "absent"}) in outcomes and frozenset({"new"}) in outcomes


@needs_syncfs
def test_a_failed_flush_before_the_renames_changes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _prepare(tmp_path)

    def failing(handle: int) -> int:  # as syncfs(2) reports a failed writeback
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(batch_write, "_syncfs", lambda: failing)
    with pytest.raises(OSError, match="Input/output error"):
        write_files(tmp_path, NEW, None)
    assert set(_state(tmp_path).values()) == {"old", "absent"}
    assert list(tmp_path.rglob("*.tmp")) == []


@pytest.mark.parametrize(
    "syncfs", [pytest.param(True, marks=needs_syncfs, id="syncfs"), pytest.param(False, id="fsync")]
)
def test_ctrl_c_during_the_last_flush_completes_it_and_reports_success(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, syncfs: bool
) -> None:
    _prepare(tmp_path)
    flushes: list[bool] = []
    real = batch_write._flush_entries

    def interrupted_once(*args: Any) -> None:
        flushes.append(True)
        if len(flushes) == 1:
            raise KeyboardInterrupt
        real(*args)

    if not syncfs:
        monkeypatch.setattr(batch_write, "_syncfs", lambda: None)
    monkeypatch.setattr(batch_write, "_flush_entries", interrupted_once)
    assert sorted(write_files(tmp_path, NEW, None)) == sorted(NEW)
    assert len(flushes) == 2
    assert set(_state(tmp_path).values()) == {"new"}


def test_temps_of_a_dead_writer_are_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    _prepare(tmp_path)
    dead = 2**22 + 12345  # above any pid_max: no such process
    while _running(dead):
        dead += 1
    left = tmp_path / "pkg" / f".a.py.msgflow-{dead}.7.tmp"
    left.write_bytes(b"half a fi")
    other = tmp_path / "pkg" / f".z.py.msgflow-{dead}.8.tmp"  # of a file not written now
    other.write_bytes(b"")
    running = tmp_path / "pkg" / f".a.py.msgflow-{os.getppid()}.1.tmp"
    running.write_bytes(b"being written")
    write_files(tmp_path, NEW, None)
    assert not left.exists() and not other.exists()
    assert running.read_bytes() == b"being written"
    assert set(_state(tmp_path).values()) == {"new"}


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
