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


def check_golden_tree(relative: str, files: dict[str, str]) -> None:
    """A folder of expected files: same names, same contents, nothing extra or missing."""
    root = GOLDEN / relative
    if os.environ.get("UPDATE_GOLDEN"):
        for old in sorted(root.rglob("*"), reverse=True) if root.exists() else []:
            old.unlink() if old.is_file() else old.rmdir()
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    assert root.is_dir(), f"no golden folder {root} (run with UPDATE_GOLDEN=1 to create it)"
    expected = {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in root.rglob("*")
        if p.is_file()
    }
    assert sorted(files) == sorted(expected), f"files differ from {root}"
    for name in files:
        assert files[name] == expected[name], (
            f"{name} differs from {root / name} (UPDATE_GOLDEN=1 to accept)"
        )
