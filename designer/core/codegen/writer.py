"""Writing a generation plan to disk: atomically, and only inside the output folder.

Paths come from templates and design names, so each one is checked before anything is
written: relative, no `..`, no drive or NUL, and, after resolving symlinks, still inside
the output folder. A plan with one bad path writes nothing at all.
"""

from __future__ import annotations

import os
from pathlib import Path

from designer.core.io import write_atomic

from .batch_write import replace_files
from .manifest import MANIFEST_PATH, Manifest


class UnsafePathError(ValueError):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"refusing to write '{path}': {why}")
        self.path = path


def safe_path(out_dir: Path, relative: str) -> Path:
    """`out_dir / relative`, provably inside `out_dir`; UnsafePathError otherwise."""
    return OutputFolder(out_dir).path(relative)


def _check_text(relative: str) -> None:
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


class OutputFolder:
    """The output folder, resolved once, and the generated paths checked against it.

    A path is resolved as the operating system would follow it (symlinks included), and
    the result must lie inside the folder. Thousands of files share a few hundred
    folders: each folder is resolved once (from its resolved parent: one `lstat`), then
    a file costs one `lstat` of its own name; only a link is followed in full.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.root = out_dir.resolve()
        self._folders: dict[str, Path] = {"": self.root}  # relative folder -> resolved

    def path(self, relative: str) -> Path:
        """`relative` resolved, provably inside the folder; UnsafePathError otherwise."""
        _check_text(relative)
        parent, _, name = relative.rpartition("/")
        target = _followed(self._folder(parent) / name)
        if target == self.root or not target.is_relative_to(self.root):
            raise UnsafePathError(relative, f"it would land outside {self.out_dir}")
        return target

    def _folder(self, relative: str) -> Path:
        known = self._folders.get(relative)
        if known is None:
            parent, _, name = relative.rpartition("/")
            known = self._folders[relative] = _followed(self._folder(parent) / name)
        return known


def _followed(path: Path) -> Path:
    """`path` (whose folder is resolved already) with its last part followed if a link."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def write_files(out_dir: Path, files: dict[str, bytes], manifest: Manifest | None) -> list[str]:
    """Write `files` (all paths checked first) and the manifest if it changed; returns what was written."""
    output = OutputFolder(out_dir)
    checked = {relative: output.path(relative) for relative in files}
    folders = sorted({target.parent for target in checked.values()})
    for folder in folders:
        _make_folders(output, folder)
    # Paths are resolved (links followed) above. All files are flushed together, then
    # renamed into place: the files first, the manifest (which records them) after.
    replace_files([(os.fspath(checked[relative]), files[relative]) for relative in files])
    written = list(files)
    if manifest is not None:
        text = manifest.dumps().encode("utf-8")
        path = output.path(MANIFEST_PATH)
        if not path.exists() or path.read_bytes() != text:
            _make_folders(output, path.parent)
            write_atomic(path, text, keep_backup=False)
            written.append(MANIFEST_PATH)
    return written


def _make_folders(output: OutputFolder, folder: Path) -> None:
    os.makedirs(folder, exist_ok=True)
    # A symlinked folder created meanwhile must not lead outside either.
    if not Path(os.path.realpath(folder)).is_relative_to(output.root):
        raise UnsafePathError(str(folder), f"it would land outside {output.out_dir}")
