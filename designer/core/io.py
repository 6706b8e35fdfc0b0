"""Load and save design files: canonical JSON, migrations, atomic writes, located errors.

Canonical output is what makes designs diff well in git: fixed key order, lists sorted
by id (naturally, so `f2` precedes `f10`), 2-space indent, a trailing newline and no
timestamps. `dumps(loads(x)) == x` for every canonical `x`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import json
import os
import re
import stat
import tempfile
import threading
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import DesignLoadError, Problem, json_path
from .gc_pause import collector_paused
from .generate_settings import generate_settings_problems
from .json_limits import NumberWatch, limit_problems, may_exceed_limits
from .migrations import MigrationError, migrate, positions_moved
from .model import (
    CURRENT_VERSION,
    FORMAT_NAME,
    Design,
    Layout,
    MessageField,
    Point,
    RouteStyle,
)
from .references import reference_problems

# A design of 5,000 services with 15,000 flows is about 5 MB; anything far beyond that
# is not a design but an accident (a log file, a dump) and would freeze the window.
MAX_FILE_BYTES = 64 * 1024 * 1024


def load(path: str | os.PathLike[str]) -> Design:
    """Read a design file. Raises DesignLoadError with located problems; never modifies it."""
    source = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DesignLoadError(
                source,
                [
                    Problem(
                        "$",
                        f"file is {size / 2**20:.0f} MB; designs are limited to "
                        f"{MAX_FILE_BYTES // 2**20} MB",
                    )
                ],
            )
        with file.open("rb") as handle:
            # Bounded: a pipe or device (/dev/zero) has no size to check beforehand.
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DesignLoadError(source, [Problem("$", "no such file")]) from None
    except IsADirectoryError:
        raise DesignLoadError(source, [Problem("$", "is a folder, not a design file")]) from None
    except OSError as error:
        raise DesignLoadError(source, [Problem("$", f"cannot read: {error.strerror}")]) from None
    return loads(data, source)


def loads(data: bytes | str, source: str = "<design>") -> Design:
    """Parse design text. Raises DesignLoadError with every problem found, located."""
    with collector_paused():
        return _loads(data, source)


def _loads(data: bytes | str, source: str) -> Design:
    text = decode_text(data, source)
    numbers = NumberWatch()
    raw = parse_text(text, source, numbers)
    if not isinstance(raw, dict):
        found = type(raw).__name__ if raw is not None else "null"
        raise DesignLoadError(
            source, [Problem("$", f"expected a JSON object, found {_json_type(found)}")]
        )
    if raw.get("format") != FORMAT_NAME:
        raise DesignLoadError(
            source,
            [Problem("$.format", f'not a msgflow design (expected "format": "{FORMAT_NAME}")')],
        )
    limits = limit_problems(raw) if may_exceed_limits(text, raw, numbers) else []
    if limits:
        raise DesignLoadError(source, limits)
    version = raw.get("version", CURRENT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise DesignLoadError(
            source, [Problem("$.version", "the format version must be an integer")]
        )
    if version > CURRENT_VERSION:
        raise DesignLoadError(
            source,
            [
                Problem(
                    "$.version",
                    f"written by a newer msgflow (format version {version}); this msgflow reads "
                    f"versions up to {CURRENT_VERSION}: upgrade msgflow to open it",
                )
            ],
        )
    moved = positions_moved(raw)
    try:
        raw = migrate(raw)
    except MigrationError as error:
        raise DesignLoadError(source, [Problem(error.path, error.reason)]) from None
    try:
        design = Design.model_validate(raw)
    except ValidationError as error:
        raise DesignLoadError(source, _in_file(validation_problems(error), moved)) from None
    problems = generate_settings_problems(design.settings.generate) + reference_problems(design)
    if problems:
        raise DesignLoadError(source, _in_file(problems, moved))
    return design


def _in_file(problems: list[Problem], moved: bool) -> list[Problem]:
    """Problems located in the file as written: a version 1 file has its card positions
    right under `layout`, where version 2 (what was checked) has `layout.nodes`."""
    if not moved:
        return problems
    return [
        Problem("$.layout" + p.path.removeprefix("$.layout.nodes"), p.message)
        if p.path.startswith("$.layout.nodes")
        else p
        for p in problems
    ]


def parse_json(data: bytes | str, source: str) -> Any:
    return parse_text(decode_text(data, source), source)


def decode_text(data: bytes | str, source: str) -> str:
    """The text of a design file: UTF-8 without BOM, not empty, no NUL bytes."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise DesignLoadError(source, [Problem("$", "file too large for a design")])
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DesignLoadError(
                source,
                [
                    Problem(
                        "$", f"not UTF-8 text (a binary file?): bad byte at offset {error.start}"
                    )
                ],
            ) from None
    else:
        text = data
    if not text.strip():
        raise DesignLoadError(source, [Problem("$", "file is empty")])
    if "\x00" in text:
        raise DesignLoadError(source, [Problem("$", "contains NUL bytes (a binary file?)")])
    return text


def parse_text(text: str, source: str, numbers: NumberWatch | None = None) -> Any:
    """JSON of `text`, or a located DesignLoadError (NaN, duplicate keys, bad syntax)."""
    numbers = numbers or NumberWatch()
    try:
        return json.loads(
            text,
            object_pairs_hook=_refuse_duplicate_keys,
            parse_constant=_refuse_constant,
            parse_int=numbers.parse_int,
            parse_float=numbers.parse_float,
        )
    except json.JSONDecodeError as error:
        raise DesignLoadError(
            source,
            [
                Problem(
                    "$", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
                )
            ],
        ) from None
    except _DuplicateKey as error:
        raise DesignLoadError(
            source, [Problem("$", f"key '{error.key}' appears twice in one object")]
        ) from None
    except RecursionError:
        raise DesignLoadError(source, [Problem("$", "JSON nested too deeply")]) from None
    except _NotANumber as error:
        raise DesignLoadError(
            source,
            [
                Problem(
                    "$",
                    f"not valid JSON: {error.word} is not a JSON number{_where_word(text, error.word)}",
                )
            ],
        ) from None
    except ValueError as error:  # an integer of more than 4300 digits
        reason = str(error).split(":")[0].replace("Exceeds", "a number exceeds")
        raise DesignLoadError(source, [Problem("$", f"not valid JSON: {reason}")]) from None


class _NotANumber(Exception):
    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


def _refuse_constant(word: str) -> Any:
    # Python's json reads NaN and Infinity, which are not JSON: other tools could not read
    # the file once saved, and a NaN position breaks drawing.
    raise _NotANumber(word)


def _where_word(text: str, word: str) -> str:
    """` at line L column C` of `word` outside strings, or '' if not found."""
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', text):
        if match.group(1) == word:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return f" at line {line} column {column}"
    return ""


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads silently keeps the last of two equal keys: that would lose data on save.
    result = dict(pairs)
    if len(result) == len(pairs):
        return result  # the common case, at C speed
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _json_type(python_type: str) -> str:
    return {
        "list": "an array",
        "str": "a string",
        "int": "a number",
        "float": "a number",
        "bool": "a boolean",
    }.get(python_type, python_type)


def validation_problems(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for detail in error.errors(include_url=False):
        # Union members (e.g. a rule setting) are part of pydantic's loc but not of the file.
        # The last part of an unknown/missing key's loc is the user's key itself, which may
        # contain anything (even '['), so only the parts before it are filtered.
        raw_loc = tuple(detail["loc"])
        kind = detail["type"]
        if kind in ("extra_forbidden", "missing") and raw_loc:
            key = raw_loc[-1]
            path = json_path(_file_parts(raw_loc[:-1]))
            verb = "unknown key" if kind == "extra_forbidden" else "missing required key"
            message = f"{verb} '{key}'"
        else:
            path, message = json_path(_file_parts(raw_loc)), _lowercase_first(detail["msg"])
        if (path, message) not in seen:
            seen.add((path, message))
            problems.append(Problem(path, message))
    return problems


def _file_parts(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return tuple(
        p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
    )


def _lowercase_first(text: str) -> str:
    text = text.removeprefix("Value error, ")
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------- canonical output

_NATURAL = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting `f2` before `f10`; ties broken by the plain string."""
    parts = _NATURAL.split(text)
    return (*tuple((0, int(p)) if i % 2 else (1, p) for i, p in enumerate(parts)), (1, text))


def _number(value: float) -> int | float:
    # Round first: 0.999 rounds to 1.0, which must be written `1` at once, or the next
    # save would turn `1.0` into `1` and the writer would not be a fixed point.
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


class _OneLine(dict[str, Any]):
    """An object written on one line even when it holds a list (a field's `enum`, an
    arrow's bends), so that one field or one arrow stays one line of the file."""


# Written even at their default: a reader of the file should not need to know defaults.
_ALWAYS_WRITTEN = frozenset({"kind"})


def _compact(model: BaseModel) -> dict[str, Any]:
    """Model fields in declaration order (by file key), leaving out what is None or equals
    its default: pydantic's own dump, except that `kind` is written even at its default
    and each message field is one line."""
    out = model.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude_none=True)
    keys, always, one_line = _file_keys(type(model))
    if any(key not in out for key in always):
        out = {
            key: out[key] if key in out else _jsonable(getattr(model, name))
            for name, key in keys
            if key in out or key in always
        }
    for key in one_line:
        if key in out:
            out[key] = [_OneLine(item) for item in out[key]]
    return out


@functools.cache
def _file_keys(
    model: type[BaseModel],
) -> tuple[tuple[tuple[str, str], ...], frozenset[str], tuple[str, ...]]:
    """(attribute, key) of each field of `model` in declaration order; the keys written
    even at their default; the keys holding message fields, each written on one line."""
    keys = tuple((name, info.alias or name) for name, info in model.model_fields.items())
    one_line = tuple(
        info.alias or name
        for name, info in model.model_fields.items()
        if _holds(info.annotation, MessageField)
    )
    return keys, frozenset(key for _name, key in keys if key in _ALWAYS_WRITTEN), one_line


def _holds(annotation: Any, wanted: type) -> bool:
    """Whether a type such as `list[MessageField] | None` holds `wanted`."""
    return any(a is wanted or _holds(a, wanted) for a in typing.get_args(annotation))


def _jsonable(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def canonical_dict(design: Design) -> dict[str, Any]:
    """The design as the ordered plain dict that `dumps` writes."""
    out: dict[str, Any] = {"format": FORMAT_NAME, "version": CURRENT_VERSION, "name": design.name}
    if design.description is not None:
        out["description"] = design.description
    out["nodes"] = [_compact(n) for n in sorted(design.nodes, key=lambda n: natural_key(n.id))]
    if design.schemas:
        out["schemas"] = [
            _compact(s) for s in sorted(design.schemas, key=lambda s: natural_key(s.name))
        ]
    # A query's empty `response` ("answers with no data") is written: its default is None.
    out["messages"] = [
        _compact(m) for m in sorted(design.messages, key=lambda m: natural_key(m.id))
    ]
    out["flows"] = [_compact(f) for f in sorted(design.flows, key=lambda f: natural_key(f.id))]
    settings: dict[str, Any] = {}
    if design.settings.rules:
        settings["rules"] = {k: design.settings.rules[k] for k in sorted(design.settings.rules)}
    if design.settings.generate:
        settings["generate"] = _sorted_deep(design.settings.generate)
    if settings:
        out["settings"] = settings
    layout = _layout(design.layout)
    if layout:
        out["layout"] = layout
    return out


def _point(p: Point) -> dict[str, Any]:
    return {"x": _number(p.x), "y": _number(p.y)}


def _layout(layout: Layout) -> dict[str, Any]:
    """`nodes` then `flows`, each sorted by id; an arrow entry that chooses nothing is
    left out. Each arrow's entry is one line, so moving one bend is one changed line."""
    out: dict[str, Any] = {}
    if layout.nodes:
        out["nodes"] = {
            node_id: _point(p)
            for node_id, p in sorted(layout.nodes.items(), key=lambda kv: natural_key(kv[0]))
        }
    flows: dict[str, Any] = {}
    for flow_id, shape in sorted(layout.flows.items(), key=lambda kv: natural_key(kv[0])):
        if shape.is_default:
            continue
        entry = _OneLine()
        if shape.route is not RouteStyle.ORTHOGONAL:
            entry["route"] = shape.route.value
        if shape.bends:
            entry["bends"] = [_point(p) for p in shape.bends]
        if shape.label is not None:
            entry["label"] = _point(shape.label)
        flows[flow_id] = entry
    if flows:
        out["flows"] = flows
    return out


def _sorted_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_deep(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_deep(v) for v in value]
    return value


def dumps(design: Design) -> str:
    """Canonical text of a design: byte-identical for an unchanged design.

    Two-space indent; an object or array holding only scalars stays on one line, so a
    node, a field or a flow is one line and a diff shows exactly the item that changed.
    """
    return _format(canonical_dict(design), "") + "\n"


def _is_flat(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(not isinstance(v, (dict, list)) for v in items)


def _format(value: Any, indent: str) -> str:
    if (
        not isinstance(value, (dict, list))
        or not value
        or _is_flat(value)
        or isinstance(value, _OneLine)
    ):
        # allow_nan=False: `Infinity` or `NaN` would be a file no JSON reader accepts.
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    inner = indent + "  "
    if isinstance(value, dict):
        body = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_format(v, inner)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + indent + "}"
    body = ",\n".join(inner + _format(v, inner) for v in value)
    return "[\n" + body + "\n" + indent + "]"


def save(design: Design, path: str | os.PathLike[str], text: str | None = None) -> None:
    """Write canonically and atomically; the previous file is kept as `FILE~`.

    `text`: `dumps(design)` when the caller has it already (fmt compares it first).
    """
    write_atomic(Path(path), (dumps(design) if text is None else text).encode("utf-8"))


def write_atomic(
    target: Path,
    data: bytes,
    *,
    keep_backup: bool = True,
    durable: bool = True,
    sync_folder: bool = True,
    _replace: Callable[[str, str], None] = os.replace,
) -> None:
    """Temp file in the same folder, fsync, rename: readers see the old or the new file, never half.

    `durable=False` skips the fsyncs (still atomic for readers, not across a power cut): for
    bulk exports of thousands of files that can be made again, where fsync dominates.
    `sync_folder=False` leaves the folder's flush (which makes the rename durable) to the
    caller: a bulk writer flushes each folder once, after all its files (`fsync_folder`).
    `_replace` exists so tests can make the final rename fail and check nothing was damaged.
    Raises OSError (EINVAL) when the target exists but is not a regular file: replacing a
    FIFO, a device or a socket with a file is never what was meant, and reading one for the
    backup would block or never end.
    """
    if target.is_symlink():
        # Through a link, update the file it points to: replacing the link would leave that
        # file stale and turn the link into a copy.
        target = Path(os.path.realpath(target))
    _refuse_special(target)
    folder = target.parent if str(target.parent) else Path(".")
    if keep_backup:
        # A user's file (saved one at a time): listing its folder is cheap. Not for bulk
        # writes of generated files, where a listing per file would be quadratic.
        _remove_stale_temps(folder, target.name)
    handle, temp_name = tempfile.mkstemp(
        prefix=_temp_prefix(target.name), suffix=".tmp", dir=folder
    )
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            if durable:
                os.fsync(temp.fileno())
        if target.exists():
            os.chmod(temp_name, target.stat().st_mode & 0o7777)
            if keep_backup:
                _write_backup(target, durable)
        else:
            # mkstemp makes the file private (0600); a new file gets the usual umask mode.
            os.chmod(temp_name, 0o666 & ~_current_umask())
        _replace(temp_name, str(target))
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    if durable and sync_folder:
        # The rename was the commit: the new file is complete and in place. Ctrl-C while the
        # folder entry is flushed must not report a failed save (the caller would tell the
        # user the file is unsaved, or try again); flush it to the end instead.
        try:
            fsync_folder(folder)
        except KeyboardInterrupt:
            fsync_folder(folder)


def open_temp(target: str) -> tuple[int, str]:
    """A new, empty temp file beside `target` (same folder: the rename is atomic), opened
    for writing: (descriptor, name). Named as every temp of this module is (`.NAME.msgflow-
    PID.N.tmp`), so `remove_dead_temps` can tell it from a running writer's.

    A raw descriptor rather than mkstemp and a Python file object: bulk writers (code
    generation: thousands of files) make half the system calls per file. The mode is
    0o666 less the umask, as for any new file; the caller sets another one if replacing.
    """
    folder, base = os.path.split(target)
    prefix = os.path.join(folder, _temp_prefix(base))
    while True:
        temp = f"{prefix}{next(_TEMP_NUMBERS)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:  # left by a killed process that had our pid
            continue


def not_a_file(target: str | os.PathLike[str], mode: int) -> OSError:
    """The error for replacing something that is not a regular file (EINVAL)."""
    what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, device or socket)"
    return OSError(errno.EINVAL, f"{target} is {what}; only files are written")


def _refuse_special(target: Path) -> None:
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return  # a new file
    except OSError:
        return  # unreadable metadata: the write itself will report it
    if not stat.S_ISREG(mode):
        raise not_a_file(target, mode)


# Temp names carry the writer's process id, so a later save can tell its own leftovers
# (from a process that was killed mid-save) from a save still running in another process.
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.msgflow-(?P<pid>\d+)\.[^.]+\.tmp")


# Numbers the temp files of one process (itertools.count is atomic under the GIL).
_TEMP_NUMBERS = itertools.count()


def _temp_prefix(name: str) -> str:
    return f".{name}.msgflow-{os.getpid()}."


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Delete temp files of `name` (and of its backup) left by writers that no longer run."""
    remove_dead_temps(folder, {name, name + "~"})


def remove_dead_temps(folder: str | os.PathLike[str], names: set[str] | None = None) -> None:
    """Delete the temp files in `folder` (of `names` only, if given) whose writer, a
    process of this or another msgflow, no longer runs: one listing of the folder."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry)
        if match is None or (names is not None and match["name"] not in names):
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _process_exists(pid):
            continue
        with contextlib.suppress(OSError):  # someone else's file or a folder: leave it
            os.unlink(os.path.join(folder, entry))


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or not a pid): not ours to judge
    return True


_UMASK_LOCK = threading.Lock()


def _current_umask() -> int:
    # Reading the umask means setting it; the lock keeps writer threads (code generation
    # writes in parallel) from seeing each other's temporary 0.
    with _UMASK_LOCK:
        mask = os.umask(0)
        os.umask(mask)
    return mask


def _write_backup(target: Path, durable: bool = True) -> None:
    backup = target.with_name(target.name + "~")
    handle, temp_name = tempfile.mkstemp(
        prefix=_temp_prefix(backup.name), suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(target.read_bytes())
            temp.flush()
            if durable:
                # Else a power cut after the rename could leave an empty `FILE~`.
                os.fsync(temp.fileno())
        os.chmod(temp_name, target.stat().st_mode & 0o7777)  # as readable as the original
        os.replace(temp_name, backup)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush the entries of `folder` (renames into it) to disk, as far as the system can."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
