"""Golden files: expected output kept in tests/data/golden, refreshed on purpose only.

`UPDATE_GOLDEN=1 pytest ...` rewrites them; review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"


def check_golden(relative: str, actual: str) -> None:
    path = GOLDEN / relative
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path} (run with UPDATE_GOLDEN=1 to create it)"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (UPDATE_GOLDEN=1 to accept)"
