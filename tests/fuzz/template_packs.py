"""Hostile template packs for `msgflow generate --templates DIR` (issue #10).

A template pack is someone else's code: it may not parse, may fail while rendering
(undefined names, 1/0, a macro calling itself, an extends loop, a huge value or output,
loops that run for hours writing nothing),
may reach for Python internals, and its files may be links out of the pack, broken or
looping links, folders, FIFOs or bytes that are not UTF-8. `write_pack(rng, folder)` lays
out such a pack over one to three of the built-in template names; the promise checked by
the campaign and the bounded suite test: exit 0, 1 or 2, never a traceback, on 2 a message
naming a template, nothing written outside the output folder, the pack untouched.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from designer.resources import templates_dir

BUILTIN = sorted(
    str(p.relative_to(templates_dir())) for p in (templates_dir() / "python").rglob("*.j2")
)

# Pieces of template text: real context names, broken syntax, failures at render time,
# attempts on the sandbox, values past any sensible size, hostile text for the output.
FRAGMENTS = [
    "{{ design_name }}", "{{ project }}", "{{ broker }}", "{{ context_version }}",
    "{% for s in services %}{{ s.package }} {{ s.port }}\n{% endfor %}",
    "{% for m in messages %}{{ m.class_name }}{% endfor %}",
    "{{ service.package }}", "{{ handlers_class }}", "{{ services[0].handlers }}",
    "{{ design_name|py }}", "{{ docstring(design_name, 4) }}", "{{ comment(project) }}",
    "{{ imports(['os', 'a.b:C'], ['a']) }}", "{{ fit('x(', ['a', 'b'], ')', 0) }}",
    "{{ wrap(design_name) }}", "{{ call(1) }}", "{{ call_of('f', [['a', 1]]) }}",
    "{% if %}", "{{ }}", "{% for %}", "{% endfor %}", "{{ x", "{% raw %}", "{#", "{% block a %}",
    "{{ nope }}", "{{ services.nope }}", "{{ services[999] }}", "{{ design_name.nope.x }}",
    "{{ 1 / 0 }}", "{{ 1 // 0 }}", "{{ 1 % 0 }}", "{{ 1.5 ** 100000 }}", "{{ 9 ** 10 ** 9 }}",
    "{{ 'x' * 10 ** 9 }}", "{{ [0] * 10 ** 9 }}", "{{ '{:>99999999999}'.format(1) }}",
    "{% for i in range(10 ** 9) %}x{% endfor %}", "{% for i in range(99999) %}{{ 'y' * 999 }}{% endfor %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    # Loops that write and build nothing: stopped by the render's CPU budget only.
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% macro t(n) %}{% if n %}{{ t(n - 1) }}{{ t(n - 1) }}{% endif %}{% endmacro %}{{ t(40) }}",
    "{% include 'python/README.md.j2' %}", "{% extends 'python/gitignore.j2' %}",
    "{% include '../../../etc/passwd' %}", "{% include '/etc/passwd' %}",
    "{% import 'python/service/handler_methods.j2' as h %}{{ h.nope() }}",
    "{{ ''.__class__.__mro__ }}", "{{ fit.__globals__ }}", "{{ cycler.__init__.__globals__ }}",
    "{{ self.__dict__ }}", "{{ lipsum.__globals__ }}", "{% set x = __import__('os') %}",
    "{{ range.__self__ }}", "{{ fail('the pack refuses') }}", "{{ fail(design_name) }}",
    "{{ (1, 2)|py }}", "{{ none|doc }}", "{{ {}|py }}", "{{ docstring(none, 'x') }}",
    "{{ imports(1, 2) }}", "{{ fit(1, 2, 3, 4) }}", "{{ '%s %s' % (1,) }}",
    "{{ '\\ud800' }}", "../../x", "/etc/passwd", "名前", "\x00", "\r\n", "\ufeff",
    "{{ design_name * 3 }}", "{{ services|length }}", "{{ services|map(attribute='nope')|list }}",
]  # fmt: skip


def _text(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.45:
        pieces = rng.choices(FRAGMENTS, k=rng.randint(1, 5))
        return "\n".join(pieces).encode("utf-8", "surrogatepass")
    # A built-in template with a few bytes changed: realistic broken Jinja.
    data = bytearray((templates_dir() / rng.choice(BUILTIN)).read_bytes())
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.4 and data:
            del data[where : where + rng.randint(1, 8)]
        elif choice < 0.8:
            data[where:where] = rng.choice(FRAGMENTS).encode("utf-8", "surrogatepass")
        else:
            data[where:where] = rng.choice([b"{", b"}", b"%", b"\xff", b"\x00", b"{{", b"%}"])
    return bytes(data)


def write_pack(rng: random.Random, folder: Path, outside: Path) -> str:
    """A hostile pack in `folder` (`outside`: a file beside it, for links out); its label."""
    kinds = []
    for name in rng.sample(BUILTIN, rng.randint(1, 3)):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if roll < 0.75:
            kind = "text"
            path.write_bytes(_text(rng))
        elif roll < 0.8:
            kind = "link out"
            path.symlink_to(outside)
        elif roll < 0.84:
            kind = "broken link"
            path.symlink_to(folder / "missing.j2")
        elif roll < 0.87:
            kind = "link loop"
            path.symlink_to(path.name)
        elif roll < 0.9:
            kind = "folder"
            path.mkdir()
        elif roll < 0.93:
            kind = "fifo"
            os.mkfifo(path)
        elif roll < 0.96:
            kind = "device"
            path.symlink_to("/dev/zero")
        else:
            kind = "not utf-8"
            path.write_bytes(b"\xff\xfe{{ design_name }}\x80")
        kinds.append(f"{name}={kind}")
    if rng.random() < 0.1:  # a folder of the pack that is a link out of it
        link = folder / "python" / "tests"
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(outside.parent)
            kinds.append("python/tests=link to the folder above")
    return ", ".join(kinds)


def snapshot(folder: Path, skip: str = "out") -> dict[str, object]:
    """Every path under `folder` (but `skip`) with what it is: bytes of regular files, the
    target of links, a mark for folders and special files. Never opens a FIFO or device."""
    result: dict[str, object] = {}
    for root, folders, files in os.walk(folder):
        here = Path(root)
        for name in [*folders, *files]:
            path = here / name
            relative = str(path.relative_to(folder))
            if relative.split(os.sep)[0] == skip:
                continue
            if path.is_symlink():
                result[relative] = ("link", os.readlink(path))
            elif path.is_dir():
                result[relative] = "folder"
            elif path.is_file():
                result[relative] = path.read_bytes()
            else:
                result[relative] = "special"
        folders[:] = [f for f in folders if not (here / f).is_symlink()]
    return result
