"""Quitting the designer ends the process cleanly (exit 0, no crash at interpreter exit),
also right after copying cards and while a big design's arrows are still being routed.

A crash at exit is invisible in the window (it has closed) but turns a clean quit into a
failed run for scripts and CI (`msgflow gui --smoke`), and it was there: cards copied to
the offscreen platform's clipboard were deleted after Python had shut down.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.core.io import save
from designer.core.synthetic import synthetic_design
from designer.qt.canvas.scene import ROUTED_FLOWS

# Each case starts the designer in a subprocess: `make test` only.
pytestmark = pytest.mark.slow

SESSION = Path(__file__).parents[1] / "support" / "copy_and_close.py"
CRASH_SIGNS = ("Segmentation fault", "Fatal Python error", "Traceback")


def _big_design(tmp_path: Path) -> Path:
    """A design the window routes in the background (more than ROUTED_FLOWS arrows)."""
    design = synthetic_design(205, seed=3)
    assert len(design.flows) > ROUTED_FLOWS
    path = tmp_path / "big.msgflow.json"
    save(design, path)
    return path


def _run(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env["MSGFLOW_RECOVERY_DIR"] = str(tmp_path / "recovery")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["PYTHONFAULTHANDLER"] = "1"  # a crash in Python's own code prints where it was
    return subprocess.run(
        [sys.executable, *command], capture_output=True, text=True, timeout=180, env=env
    )


def _assert_clean_exit(result: subprocess.CompletedProcess[str]) -> None:
    # A segmentation fault shows as a negative return code (the signal), not in stderr.
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert not [sign for sign in CRASH_SIGNS if sign in result.stderr], result.stderr[-2000:]


def test_closing_the_window_after_copying_cards_while_routing_exits_0(tmp_path: Path) -> None:
    design = _big_design(tmp_path)
    result = _run(tmp_path, str(SESSION), str(design), str(tmp_path / "settings.ini"))
    _assert_clean_exit(result)
    assert not list((tmp_path / "recovery").glob("*"))  # a clean quit leaves no recovery


def test_smoke_run_of_a_design_still_routing_exits_0(tmp_path: Path) -> None:
    result = _run(tmp_path, "-m", "designer", "gui", "--smoke", str(_big_design(tmp_path)))
    _assert_clean_exit(result)
