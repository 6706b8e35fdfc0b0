"""What a regeneration does to the files on disk: a run killed midway damages nothing and
the next run cleans up after it; files whose bytes do not change are not touched."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir
from tests.support.edits import with_audit

SHOP = examples_dir() / "shop.msgflow.json"

# `msgflow generate`, killed (SIGKILL: no clean-up can run) at its first rename, that is
# once every file's temp is written and flushed and before any file is replaced.
KILLED_AT_FIRST_RENAME = """
import os, signal, sys
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
os.replace = killed
from designer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _plan(output: str) -> dict[str, str]:
    actions = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in {"create", "update", "unchanged", "kept", "orphaned"}:
            actions[parts[1]] = parts[0]
    return actions


def test_a_generate_killed_before_its_renames_damages_nothing_and_leaves_no_litter(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert main(["generate", str(SHOP), "-o", str(out), "--target", "all"]) == 0
    for handlers in out.glob("*/handlers.py"):
        handlers.write_text(handlers.read_text() + "\n# my own code\n", encoding="utf-8")
    before = _files(out)
    grown = tmp_path / "grown.msgflow.json"
    io.save(with_audit(io.load(SHOP)), grown)
    command = ["generate", str(grown), "-o", str(out), "--target", "all", "--allow-errors"]

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_FIRST_RENAME, *command], capture_output=True
    )

    assert killed.returncode == -signal.SIGKILL
    temps = sorted(p for p in out.rglob("*.tmp"))
    assert temps, "the run was not killed between its temp writes and its renames"
    assert {k: v for k, v in _files(out).items() if not k.endswith(".tmp")} == before
    assert not (out / "audit").exists() or not any((out / "audit").glob("*.py"))

    assert main(command) == 0
    assert list(out.rglob("*.tmp")) == []  # the killed run's temps are gone
    after = _files(out)
    assert "audit/handlers.py" in after and "audit/_generated.py" in after
    for handlers in out.glob("*/handlers.py"):
        relative = str(handlers.relative_to(out))
        if relative in before:
            assert after[relative] == before[relative]  # the user's code, untouched


def test_a_regeneration_leaves_unchanged_files_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["generate", str(SHOP), "-o", str(out), "--target", "all"]) == 0
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    grown = tmp_path / "grown.msgflow.json"
    io.save(with_audit(io.load(SHOP)), grown)
    capsys.readouterr()
    assert main(["generate", str(grown), "-o", str(out), "--target", "all"]) == 0
    plan = _plan(capsys.readouterr().out)
    assert {"create", "update", "unchanged", "kept"} <= set(plan.values())
    for relative, action in plan.items():
        path = out / relative
        if action in ("unchanged", "kept"):
            # Same inode and time: not rewritten, not even with the same bytes.
            assert (path.stat().st_ino, path.stat().st_mtime_ns) == stamps[path], relative
        elif action == "update":
            assert path.stat().st_ino != stamps[path][0], relative
