"""Thousands of files replaced atomically, made durable by two filesystem flushes.

`msgflow generate --target all` writes ~15 files per service. Written one at a time (temp
file, fsync, rename), each fsync commits the filesystem's journal on its own: for 1,000
services that was 14,672 commits and 3-12 s of system CPU, more than all the rendering.
Here the same steps run in phases, with the same guarantees:

1. every file's content goes to a temp file beside it (no fsync yet);
2. one flush of each filesystem involved (`syncfs(2)`): every temp is on disk;
3. every temp is renamed over its file: each file is old or new for a reader, never half;
4. one more flush: the renames are on disk before the command reports success.

A failure or Ctrl-C before the renames removes every temp and leaves every file as it
was; a failure during the renames leaves each file old or new, whole, and removes the
temps not renamed yet; a Ctrl-C during the last flush completes the flush (the renames
are the commit: the files are in place). Temps of a killed writer are removed by the
next run that writes into their folder.

Where `syncfs` is missing (not Linux), each temp is fsynced when written and each folder
after the renames, as `write_atomic` does for one file.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence

from designer.core.io import fsync_folder, not_a_file, open_temp, remove_dead_temps

Syncfs = Callable[[int], int]


def replace_files(files: Sequence[tuple[str, bytes]]) -> None:
    """Write each `(path, data)`; paths have had their links followed already (a link
    met here, made since, is followed again). Raises OSError, having written nothing,
    when any path is a folder, a pipe or a device, or when a write or flush fails."""
    syncfs = _syncfs()
    folders = sorted({os.path.dirname(path) for path, _data in files})
    for folder in folders:
        remove_dead_temps(folder)
    pending: list[tuple[str, str]] = []  # (temp, target), in write order
    renamed = 0
    try:
        for path, data in files:
            pending.append(_write_temp(path, data, fsync=syncfs is None))
        if syncfs is not None:
            sync_filesystems(syncfs, folders)
        for temp, target in pending:
            os.replace(temp, target)
            renamed += 1
    except BaseException:
        for temp, _target in pending[renamed:]:
            with contextlib.suppress(OSError):  # a rename done as Ctrl-C came: gone already
                os.unlink(temp)
        raise
    try:
        _flush_entries(syncfs, folders)
    except KeyboardInterrupt:
        # Every file is in place: finish making that durable rather than report a failure.
        _flush_entries(syncfs, folders)


def _write_temp(path: str, data: bytes, *, fsync: bool) -> tuple[str, str]:
    """(temp, target) for `path`: its temp file written, with the target's mode."""
    try:
        status: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISLNK(status.st_mode):
        path = os.path.realpath(path)
        try:
            status = os.stat(path)
        except FileNotFoundError:
            status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise not_a_file(path, status.st_mode)
    handle, temp = open_temp(path)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            if status is not None:
                os.fchmod(handle, stat.S_IMODE(status.st_mode))  # a script stays executable
            if fsync:
                os.fsync(handle)
        finally:
            os.close(handle)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp, path


def _flush_entries(syncfs: Syncfs | None, folders: Iterable[str]) -> None:
    if syncfs is not None:
        sync_filesystems(syncfs, folders)
    else:
        for folder in folders:
            fsync_folder(folder)


def sync_filesystems(syncfs: Syncfs, folders: Iterable[str]) -> None:
    """Flush, once each, the filesystems holding `folders` (a folder may be a mount)."""
    done: set[int] = set()
    for folder in folders:
        device = os.stat(folder).st_dev
        if device in done:
            continue
        handle = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
        try:
            # Since Linux 5.8 syncfs reports a failed writeback (EIO, ENOSPC) as fsync does.
            if syncfs(handle) != 0:
                number = ctypes.get_errno()
                raise OSError(number, os.strerror(number), folder)
        finally:
            os.close(handle)
        done.add(device)


def _syncfs() -> Syncfs | None:
    """The C library's `syncfs`, or None where there is none (then fsync per file)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function
