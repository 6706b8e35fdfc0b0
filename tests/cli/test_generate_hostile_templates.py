"""`generate --templates DIR` with a broken or hostile template pack (issue #10).

A user's template that fails at render time, calls itself without end, builds a huge
value or is no readable file at all must stop generation with the template file (and
line, when there is one), exit 2, no traceback, and nothing written. Each case below was a
traceback (exit 1) or a pack silently ignored before, found by the template-pack fuzz
(tests/fuzz/template_packs.py).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from designer.cli import main
from designer.resources import examples_dir

SHOP = str(examples_dir() / "shop.msgflow.json")
APP = "python/service/app.py.j2"


def _generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(
        ["generate", SHOP, "-o", str(tmp_path / "out"), "--templates", str(tmp_path / "pack")]
    )
    return code, capsys.readouterr().err


def _pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack" / APP
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("ok\n{{ 1 / 0 }}\n", 2, "ZeroDivisionError"),
        ("{{ 1.5 ** 100000 }}\n", 1, "OverflowError"),
        ("{% for i in range(10**9) %}x{% endfor %}\n", 1, "Range too big"),
        ("{% macro m() %}{{ m() }}{% endmacro %}\n\n{{ m() }}\n", None, "calls itself"),
        ('{% extends "python/service/app.py.j2" %}\n', 1, "calls itself"),
        ('{{ "x" * 100000000 }}\n', 1, "100,000,000 items"),
        ("{{ 9 ** 1000000000 }}\n", 1, "too large a number"),
    ],
)
def test_a_template_that_fails_at_render_time_is_located_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int | None, says: str
) -> None:
    template = _pack(tmp_path, text)
    code, err = _generate(tmp_path, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert str(template) in err and says in err
    if line is not None:
        assert f"{template}:{line}:" in err
    assert not (tmp_path / "out").exists()


def test_a_template_rendering_without_end_is_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 100,000 x 10,000 characters: 1 GB for each service, were it written.
    _pack(tmp_path, '{% for i in range(100000) %}{{ "x" * 10000 }}{% endfor %}\n')
    code, err = _generate(tmp_path, capsys)
    assert code == 2 and "renders more than" in err and APP in err
    assert not (tmp_path / "out").exists()


def test_ordinary_products_and_powers_still_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pack(tmp_path, '{{ "=" * 3 }} {{ [0] * 2 }} {{ 2 ** 10 }} {{ 6 * 7 }}\n')
    code, err = _generate(tmp_path, capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "orders" / "app.py").read_text() == "=== [0, 0] 1024 42\n"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.symlink_to(p.parent / "missing.j2"), "a link to nothing"),
        (lambda p: p.symlink_to(p.name), "a link to nothing"),
        (lambda p: p.mkdir(), "a folder"),
        (lambda p: os.mkfifo(p), "not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
    ],
    ids=["dangling-link", "link-loop", "folder", "fifo", "device"],
)
def test_an_override_that_is_no_readable_file_is_refused_not_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, says: str
) -> None:  # type: ignore[no-untyped-def]
    # Jinja skips such a name in silence and renders the built-in template: the user's
    # pack would look applied when it was not.
    template = tmp_path / "pack" / APP
    template.parent.mkdir(parents=True)
    make(template)
    code, err = _generate(tmp_path, capsys)
    assert code == 2, err
    assert f"{template}: is {says}" in err
    assert not (tmp_path / "out").exists()


def test_a_relative_pack_in_another_folder_is_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same relative --templates, same template name, written within the same second: the
    # compiled template of the first folder was reused for the second (found by the
    # template-pack fuzz, which runs many packs in one process).
    for number in (1, 2):
        folder = tmp_path / str(number)
        (folder / "pack" / "python").mkdir(parents=True)
        template = folder / "pack" / "python" / "README.md.j2"
        template.write_text(f"pack {number}\n")
        os.utime(template, ns=(10**18, 10**18))  # the same mtime for both
        monkeypatch.chdir(folder)
        assert main(["generate", SHOP, "-o", "out", "--templates", "pack"]) == 0
        assert (folder / "out" / "README.md").read_text() == f"pack {number}\n"
    capsys.readouterr()


# Loops that write nothing and build nothing large: no bound above catches them, and the
# command hung (issue #10). Each render of a pack's template has a CPU budget.
LOOPS = {
    "nested ranges": (
        "ok\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        2,
    ),
    "a macro calling itself twice at each level": (
        "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}\n"
        "{{ m(60) }}\n",
        1,  # inside the macro
    ),
    "a loop filtering a large range": (
        "{% for i in range(100000) %}{{ range(100000) | select('odd') | list | length }}"
        "{% endfor %}\n",
        1,
    ),
}


@pytest.mark.parametrize(("text", "line"), LOOPS.values(), ids=LOOPS)
def test_a_template_looping_without_end_is_stopped_with_its_file_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    line: int,
) -> None:
    from designer.core.codegen import environment

    monkeypatch.setattr(environment, "MAX_RENDER_CPU_SECONDS", 0.5)
    template = _pack(tmp_path, text)
    started = time.process_time()
    code, err = _generate(tmp_path, capsys)
    assert code == 2, err
    assert time.process_time() - started < 10
    assert "Traceback" not in err
    assert f"{template}:{line}: stopped after 0.5 s of CPU time" in err, err
    assert not (tmp_path / "out").exists()


def test_a_looping_template_a_built_in_one_includes_is_stopped_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pack replaces only a file our handlers.py template includes.
    from designer.core.codegen import environment

    monkeypatch.setattr(environment, "MAX_RENDER_CPU_SECONDS", 0.5)
    template = tmp_path / "pack" / "python" / "service" / "handler_methods.j2"
    template.parent.mkdir(parents=True)
    template.write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    )
    code, err = _generate(tmp_path, capsys)
    assert code == 2, err
    assert f"{template}:1: stopped after 0.5 s of CPU time" in err, err


def test_a_render_finishing_as_its_budget_ends_never_leaks_the_interruption(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no budget at all, the watchdog interrupts every render as soon as it can: the
    # race between a render ending and its interruption being raised. Each run must end
    # in exit 0 (it ended first) or 2 (stopped), and nothing may be raised afterwards.
    from designer.core.codegen import environment

    monkeypatch.setattr(environment, "MAX_RENDER_CPU_SECONDS", 0.0)
    _pack(tmp_path, "{% for i in range(2000) %}{{ i }}{% endfor %}\n")
    codes = set()
    for _ in range(20):
        code, err = _generate(tmp_path, capsys)
        assert code in (0, 2) and "Traceback" not in err, err
        codes.add(code)
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
    assert 2 in codes
    total = 0
    for i in range(2_000_000):  # pure bytecode: a pending interruption would surface here
        total += i
    assert total == sum(range(2_000_000))
