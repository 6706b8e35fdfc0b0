"""Writing a generation plan to disk: atomically, and only inside the output folder.

Paths come from templates and design names, so each one is checked before anything is
written: relative, no `..`, no drive or NUL, and, after resolving symlinks, still inside
the output folder. A plan with one bad path writes nothing at all.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from designer.core.io import write_atomic

from .manifest import MANIFEST_PATH, Manifest


class UnsafePathError(ValueError):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"refusing to write '{path}': {why}")
        self.path = path


def safe_path(out_dir: Path, relative: str) -> Path:
    """`out_dir / relative`, provably inside `out_dir`; UnsafePathError otherwise."""
    if not relative or "\x00" in relative or "\\" in relative:
        raise UnsafePathError(relative, "not a plain relative path")
    raw_parts = relative.split("/")
    if relative.startswith("/") or ":" in raw_parts[0]:
        raise UnsafePathError(relative, "absolute paths are not allowed")
    # Checked on the raw text: PurePosixPath would quietly fold `a/./b` and `a//b`.
    if any(part in ("..", ".", "") for part in raw_parts):
        raise UnsafePathError(
            relative, "'..', '.' and empty parts are not allowed in generated paths"
        )
    posix = PurePosixPath(relative)
    root = out_dir.resolve()
    target = (root / Path(*posix.parts)).resolve()
    if not target.is_relative_to(root) or target == root:
        raise UnsafePathError(relative, f"it would land outside {out_dir}")
    return target


def write_files(out_dir: Path, files: dict[str, bytes], manifest: Manifest | None) -> list[str]:
    """Write `files` (all paths checked first) and the manifest if it changed; returns what was written."""
    checked = {relative: safe_path(out_dir, relative) for relative in files}
    for folder in sorted({target.parent for target in checked.values()}):
        _make_folders(out_dir, folder)

    def write(relative: str) -> str:
        write_atomic(checked[relative], files[relative], keep_backup=False)
        return relative

    # Each atomic write waits for its fsync; in parallel the waits overlap.
    with ThreadPoolExecutor(max_workers=8) as pool:
        written = list(pool.map(write, files))
    if manifest is not None:
        text = manifest.dumps().encode("utf-8")
        path = safe_path(out_dir, MANIFEST_PATH)
        if not path.exists() or path.read_bytes() != text:
            _make_folders(out_dir, path.parent)
            write_atomic(path, text, keep_backup=False)
            written.append(MANIFEST_PATH)
    return written


def _make_folders(out_dir: Path, folder: Path) -> None:
    root = out_dir.resolve()
    os.makedirs(folder, exist_ok=True)
    # A symlinked folder created meanwhile must not lead outside either.
    if not folder.resolve().is_relative_to(root):
        raise UnsafePathError(str(folder), f"it would land outside {out_dir}")
