"""A reader that goes away early (`| head`) ends msgflow quietly, not as success."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from designer.core import io
from designer.core.synthetic import synthetic_design

# A subprocess writing a large report into a closed pipe: `make test` only.
pytestmark = pytest.mark.slow


def test_closed_pipe_exits_141_without_a_traceback(tmp_path: Path) -> None:
    big = tmp_path / "big.msgflow.json"
    io.save(synthetic_design(400, seed=3), big)
    # Far more findings than a pipe buffer holds, so msgflow is still writing at hang-up.
    process = subprocess.Popen(
        [sys.executable, "-m", "designer", "validate", "--format", "json", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(10)  # take a little, then hang up like `head -c 10`
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 141
    assert b"Traceback" not in stderr
