"""Every generated path provably stays inside the output folder."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from designer.core import io
from designer.core.codegen import batch_write
from designer.core.codegen.writer import UnsafePathError, safe_path, write_files


@pytest.mark.parametrize(
    "bad",
    [
        "../x.py",
        "a/../../x.py",
        "/etc/passwd",
        "a/./b",
        "",
        "a\\..\\b",
        "a\x00b",
        "C:/x",
        "a//b",
        ".",
    ],
)
def test_unsafe_paths_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_path(tmp_path / "out", bad)


def test_a_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, out / "link")
    with pytest.raises(UnsafePathError):
        safe_path(out, "link/file.py")


def test_one_bad_path_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(UnsafePathError):
        write_files(out, {"good.py": b"x", "../bad.py": b"y"}, None)
    assert not (out / "good.py").exists() and not (tmp_path / "bad.py").exists()


def test_new_files_get_ordinary_permissions(tmp_path: Path) -> None:
    write_files(tmp_path, {"pkg/a.py": b"x = 1\n"}, None)
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "pkg" / "a.py").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_file_that_is_a_link_leading_outside_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "pkg").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("keep\n")
    os.symlink(secret, out / "pkg" / "a.py")
    with pytest.raises(UnsafePathError):
        write_files(out, {"pkg/a.py": b"x = 1\n"}, None)
    assert secret.read_text() == "keep\n"


def test_links_that_stay_inside_the_output_folder_are_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    os.symlink(out / "real", out / "alias")
    (out / "real" / "b.py").write_text("old\n")
    os.symlink(out / "real" / "b.py", out / "real" / "c.py")
    written = write_files(out, {"alias/a.py": b"a\n", "alias/c.py": b"c\n"}, None)
    assert sorted(written) == ["alias/a.py", "alias/c.py"]
    assert (out / "real" / "a.py").read_bytes() == b"a\n"
    assert (out / "real" / "b.py").read_bytes() == b"c\n"  # written through the link


def test_a_replaced_file_keeps_its_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    script = tmp_path / "pkg" / "run.sh"
    script.write_text("old\n")
    script.chmod(0o750)
    write_files(tmp_path, {"pkg/run.sh": b"new\n", "pkg/b.py": b"b\n"}, None)
    assert script.read_bytes() == b"new\n"
    assert script.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["b.py", "run.sh"]


def test_a_fifo_in_the_way_is_refused_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    os.mkfifo(tmp_path / "pkg" / "a.py")
    with pytest.raises(OSError, match="not a regular file"):
        write_files(tmp_path, {"pkg/a.py": b"x = 1\n"}, None)
    assert [p.name for p in (tmp_path / "pkg").iterdir()] == ["a.py"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("old\n")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    # Whichever flushes the new file (one syncfs for all, or fsync where there is none).
    monkeypatch.setattr(os, "fsync", full_disk)
    monkeypatch.setattr(batch_write, "sync_filesystems", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_files(tmp_path, {"pkg/a.py": b"new\n"}, None)
    assert (tmp_path / "pkg" / "a.py").read_text() == "old\n"
    assert [p.name for p in (tmp_path / "pkg").iterdir()] == ["a.py"]


def test_a_temp_file_of_a_killed_writer_is_not_in_the_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process that had our pid and died mid-write left its first temp names behind.
    monkeypatch.setattr(io, "_TEMP_NUMBERS", itertools.count())
    (tmp_path / "pkg").mkdir()
    for number in range(3):
        (tmp_path / "pkg" / f".a.py.msgflow-{os.getpid()}.{number}.tmp").write_text("x")
    write_files(tmp_path, {"pkg/a.py": b"new\n"}, None)
    assert (tmp_path / "pkg" / "a.py").read_bytes() == b"new\n"
    assert len(list((tmp_path / "pkg").iterdir())) == 4  # theirs stay: not ours to judge
