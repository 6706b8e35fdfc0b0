"""The Jinja environment code is rendered in: sandboxed, strict, user templates layered on ours.

A shared template pack is code from someone else: the sandbox keeps it from reaching
Python internals (`__class__.__mro__`, `__globals__`, `__import__`), and StrictUndefined
turns a typo into an error instead of an empty string in generated code. Every failure is
a `TemplateError` that names the template and line.
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from designer.resources import templates_dir

from . import pyformat


class TemplateError(Exception):
    """A template could not be rendered; says which one, where and why."""

    def __init__(self, template: str, line: int | None, message: str) -> None:
        self.template = template
        self.line = line
        self.message = message
        where = f"{template}:{line}" if line else template
        super().__init__(f"{where}: {message}")


def _call(value: pyformat.Expr, indent: int = 0, prefix: str = "", suffix: str = "") -> str:
    return pyformat.render(value, indent, prefix, suffix)


class _PackRefusal(jinja2.TemplateRuntimeError):
    """Raised by `fail()`: the pack's own words, reported as they are."""


def _fail(message: str) -> str:
    """`{{ fail("...") }}`: a template pack stops generation with its own message."""
    raise _PackRefusal(str(message))


def _call_of(callee: str, arguments: list[list[Any]]) -> pyformat.Call:
    return pyformat.Call(callee, tuple((str(name), value) for name, value in arguments))


# The text helpers are pure functions of their arguments, and templates call them with
# the same few thousand strings (type names, field descriptions, import lists) for every
# service: each answer is computed once per process. `typed`: a str subclass is not a str.
_CACHE_SIZE = 1 << 14


@functools.lru_cache(maxsize=_CACHE_SIZE, typed=True)
def _import_block(specs: tuple[str, ...], first_party: tuple[str, ...]) -> str:
    return pyformat.import_block(list(specs), list(first_party))


def _imports(specs: list[str], first_party: Sequence[str]) -> str:
    # `first_party` names every generated package (thousands): only whether each spec's
    # top-level package is one of them matters, so that is what the remembered answer is
    # keyed by; scanning or hashing the whole list for every file grew with the square.
    try:
        first = _first_party_set(first_party)
        tops = {spec.partition(":")[0].split(".")[0] for spec in specs}
        return _import_block(tuple(specs), tuple(sorted(tops & first)))
    except TypeError:  # an unhashable element: the helper says what is wrong with it
        return pyformat.import_block(list(specs), list(first_party))


# The last tuple of first-party packages seen and its set: every template of a run passes
# the same tuple object (kept here, so its id cannot be reused by another).
_FIRST_PARTY: list[tuple[tuple[str, ...], frozenset[str]]] = []


def _first_party_set(first_party: Sequence[str]) -> frozenset[str]:
    if not isinstance(first_party, tuple):
        return frozenset(first_party)
    if _FIRST_PARTY and _FIRST_PARTY[0][0] is first_party:
        return _FIRST_PARTY[0][1]
    made = frozenset(first_party)
    _FIRST_PARTY[:] = [(first_party, made)]
    return made


def _remembered(function: Callable[..., str]) -> Callable[..., str]:
    cached = functools.lru_cache(maxsize=_CACHE_SIZE, typed=True)(function)

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> str:
        try:
            return cached(*args, **kwargs)
        except TypeError:
            # An unhashable argument from a template pack: the plain call reports it.
            return function(*args, **kwargs)

    return call


# What a template pack may build in one expression or one file. Jinja's sandbox bounds
# `range()` only: `"x" * 10**10` or `9 ** 10**9` would exhaust memory or the CPU before
# any message, and a loop of large strings would fill the disk. Far above anything a
# generated file needs (the largest built-in output is a few hundred kB).
MAX_ITEMS = 1 << 24  # of a string or list repeated with `*`
MAX_POWER_BITS = 1 << 16  # of an integer power (a 20,000-digit number)
MAX_OUTPUT_CHARS = 1 << 26  # of one rendered user template (64 Mi characters)


def _repeated_size(sequence: Any, times: Any) -> int:
    if isinstance(sequence, str | bytes | list | tuple) and isinstance(times, int):
        return len(sequence) * max(times, 0)
    return 0


def _power_bits(base: Any, exponent: Any) -> float:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        return exponent * math.log2(abs(base))
    return 0.0


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, remembering its verdict on each attribute per (type, name), and
    bounding what `*` and `**` may build (the built-in templates use neither).

    The sandbox asks on every attribute access in a template whether it is safe; its
    answer (`is_safe_attribute`: a leading underscore, or an internal attribute of a
    function, method, type, frame, code or generator object) depends only on the
    object's type and the name, so it is worked out once per pair.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, override: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verdicts: dict[tuple[type, str], bool] = {}
        self.override = override  # the user's template folder, if any

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            size = max(_repeated_size(left, right), _repeated_size(right, left))
            if size > MAX_ITEMS:
                raise jinja2.exceptions.SecurityError(
                    f"'*' would make {size:,} items (at most {MAX_ITEMS:,})"
                )
        elif operator == "**" and _power_bits(left, right) > MAX_POWER_BITS:
            raise jinja2.exceptions.SecurityError(
                f"'{left} ** {right}' is too large a number (at most {MAX_POWER_BITS:,} bits)"
            )
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict


def make_environment(override: Path | None = None) -> SandboxedEnvironment:
    """Built-in templates, with those of `override` (if any) taking precedence by path.

    Cached per override folder: compiled templates are reused, and Jinja's auto-reload
    still notices a template file that changed on disk.
    """
    # Keyed by the absolute folder: a relative one names another folder after a chdir,
    # and Jinja would reuse templates compiled from the first (same name, same mtime).
    return _environment(str(override.absolute()) if override is not None else None)


@functools.lru_cache(maxsize=8)
def _environment(override_text: str | None) -> SandboxedEnvironment:
    override = Path(override_text) if override_text is not None else None
    loaders: list[jinja2.BaseLoader] = []
    if override is not None:
        loaders.append(jinja2.FileSystemLoader(str(override)))
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    env = _Sandbox(
        override=override,
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["py"] = _remembered(pyformat.string)
    env.filters["doc"] = _remembered(pyformat.doc_text)
    env.globals["fit"] = pyformat.fit
    env.globals["comment"] = _remembered(pyformat.comment)
    env.globals["docstring"] = _remembered(pyformat.docstring)
    env.globals["wrap"] = _remembered(pyformat.wrap)
    env.globals["fail"] = _fail
    env.globals["call"] = _call
    env.globals["call_of"] = _call_of
    env.globals["imports"] = _imports
    return env


# What one render of a template pack's template may spend. A template that loops while
# writing nothing (`range(10**5)` inside `range(10**5)`, a macro calling itself twice at
# each of 40 levels) meets none of the bounds above and would hang the command. Far above
# any built-in template's (the largest takes well under a second for 10,000 services).
MAX_RENDER_CPU_SECONDS = 30.0


class _OverBudget(BaseException):
    """Raised inside a render that spent its CPU budget (a BaseException: nothing in a
    template or in Jinja's runtime catches it on the way out)."""


_CLOCKS: dict[int, Callable[[], float]] = {}


def _thread_clock(ident: int) -> Callable[[], float]:
    """The CPU time of the calling thread, readable from another thread (Linux, BSDs);
    elsewhere the time that passes, which is never less."""
    clock = _CLOCKS.get(ident)
    if clock is None:
        try:
            clock_id = time.pthread_getcpuclockid(ident)
            time.clock_gettime(clock_id)
            clock = functools.partial(time.clock_gettime, clock_id)
        except (AttributeError, OSError):
            clock = time.monotonic
        if len(_CLOCKS) > 64:  # thread idents are reused: forget old threads now and then
            _CLOCKS.clear()
        _CLOCKS[ident] = clock
    return clock


class _Render:
    __slots__ = ("clock", "fired", "ident", "limit")

    def __init__(self, budget: float) -> None:
        self.ident = threading.get_ident()
        self.clock = _thread_clock(self.ident)
        self.limit = self.clock() + budget
        self.fired = False


def _interrupt(ident: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in thread `ident` at its next bytecode (None: withdraw it)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exception) if exception else None
    )


class _Watchdog:
    """One thread for the process, asleep while no template pack renders; it interrupts a
    render once the rendering thread's CPU time passes the render's limit. Nothing runs in
    the rendering thread but a registration: renders that finish in time cost nothing else.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._renders: dict[int, _Render] = {}
        self._thread: threading.Thread | None = None
        # When the watchdog looks again (time.monotonic), None while it waits for a render.
        self._next_look: float | None = None

    def start(self, budget: float) -> _Render:
        render = _Render(budget)
        with self._wake:
            self._renders[id(render)] = render
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._watch, name="msgflow-template-budget", daemon=True
                )
                self._thread.start()
            # Woken only when it would look too late: with one budget for all, a render
            # after a render is looked at when the earlier one would have been (no thread
            # switch per render).
            if self._next_look is None or self._next_look > time.monotonic() + budget:
                self._wake.notify()
        return render

    def stop(self, render: _Render) -> None:
        """Idempotent; once it returns, no interruption can reach the thread any more."""
        with self._wake:
            self._renders.pop(id(render), None)
            if render.fired:
                _interrupt(render.ident, None)  # in case it has not been raised yet

    def _watch(self) -> None:
        with self._wake:
            while True:
                wait: float | None = None
                for render in list(self._renders.values()):
                    if render.fired:
                        continue
                    try:
                        left = render.limit - render.clock()
                    except OSError:  # the thread is gone
                        left = math.inf
                    if left <= 0:
                        render.fired = True
                        _interrupt(render.ident, _OverBudget)
                    elif left < math.inf:
                        # CPU time never runs faster than the clock on the wall.
                        wait = left if wait is None else min(wait, left)
                wait = None if wait is None else max(wait, 0.01)
                self._next_look = None if wait is None else time.monotonic() + wait
                self._wake.wait(wait)


_WATCHDOG = _Watchdog()


def _budgeted(render: Callable[[], str], env: SandboxedEnvironment, name: str) -> str:
    watch = _WATCHDOG.start(MAX_RENDER_CPU_SECONDS)
    try:
        try:
            return render()
        finally:
            _WATCHDOG.stop(watch)
    except _OverBudget as error:
        _WATCHDOG.stop(watch)
        where, line = _template_spot(error, _where(env, name))
        raise TemplateError(
            where,
            line,
            f"stopped after {MAX_RENDER_CPU_SECONDS:g} s of CPU time: the template loops too "
            "long (a loop over a large range, or a macro calling itself many times)",
        ) from None


def _template_spot(error: BaseException, where: str) -> tuple[str, int | None]:
    """The innermost template file and line a BaseException passed through (Jinja
    rewrites the traceback of an Exception only; here the compiled code's lines are mapped
    back to the template's)."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if isinstance(template, jinja2.Template) and template.filename:
            where, line = template.filename, template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return where, line


def _template_line(error: BaseException, name: str) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template file and line.
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(name) or "<template>" in frame.filename:
            line = frame.lineno
    return line


def render(env: SandboxedEnvironment, name: str, **context: Any) -> str:
    """Render template `name`; any failure becomes a TemplateError naming template and line."""
    try:
        _check_override(env, name)
        template = env.get_template(name)
        if getattr(env, "override", None) is None:
            return template.render(**context)  # ours alone: nothing to bound
        if not _is_users(env, template):
            # Ours, but it may include or import a template of the pack.
            return _budgeted(lambda: template.render(**context), env, name)
        return _budgeted(lambda: _bounded(template, name, **context), env, name)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            error.filename or error.name or name, error.lineno, error.message or str(error)
        ) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(name, None, f"template not found: {error.name}") from None
    except UnicodeDecodeError as error:
        raise TemplateError(
            _where(env, name), None, f"not UTF-8 text: bad byte at offset {error.start}"
        ) from None
    except OSError as error:
        raise TemplateError(_where(env, name), None, f"cannot read: {error.strerror}") from None
    except jinja2.exceptions.SecurityError as error:
        raise TemplateError(
            _where(env, name), _template_line(error, name), f"not allowed in templates: {error}"
        ) from None
    except jinja2.UndefinedError as error:
        raise TemplateError(_where(env, name), _template_line(error, name), str(error)) from None
    except _PackRefusal as error:
        raise TemplateError(_where(env, name), _template_line(error, name), str(error)) from None
    except RecursionError as error:
        raise TemplateError(
            _where(env, name),
            _template_line(error, name),
            "RecursionError: the template calls itself without end "
            "(a macro calling itself, or an extends/include loop)",
        ) from None
    except MemoryError as error:
        raise TemplateError(
            _where(env, name), _template_line(error, name), "MemoryError: out of memory"
        ) from None
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        IndexError,
        ArithmeticError,  # 1/0, a float past its range, a range() past the sandbox's
    ) as error:
        raise TemplateError(
            _where(env, name), _template_line(error, name), f"{type(error).__name__}: {error}"
        ) from None


def _is_users(env: SandboxedEnvironment, template: jinja2.Template) -> bool:
    """Whether `template` was read from the user's folder (Jinja joins the folder as
    given with the name, so the file name starts with it)."""
    override = getattr(env, "override", None)
    if override is None or template.filename is None:
        return False
    return template.filename.startswith(os.path.join(str(override), ""))


def _bounded(template: jinja2.Template, name: str, **context: Any) -> str:
    """A user template rendered piece by piece, stopped once it passes MAX_OUTPUT_CHARS."""
    pieces: list[str] = []
    size = 0
    for piece in template.generate(**context):
        size += len(piece)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateError(
                template.filename or name,
                None,
                f"renders more than {MAX_OUTPUT_CHARS:,} characters: stopped",
            )
        pieces.append(piece)
    return "".join(pieces)


def _check_override(env: SandboxedEnvironment, name: str) -> None:
    """A name in the user's folder that is no readable file (a broken or looping link, a
    folder, a FIFO) would be skipped by Jinja in silence, the built-in template used."""
    override = getattr(env, "override", None)
    if override is None:
        return
    path = override / name
    if not os.path.lexists(path) or path.is_file():
        return
    if path.is_symlink() and not path.exists():
        kind = "a link to nothing (broken, or a loop)"
    elif path.is_dir():
        kind = "a folder"
    else:
        kind = "not a regular file"
    raise TemplateError(str(path), None, f"is {kind}: a template must be a readable file")


def _where(env: SandboxedEnvironment, name: str) -> str:
    """The file a template name resolves to (the user's override or ours)."""
    try:
        source = env.loader.get_source(env, name) if env.loader else None
    except jinja2.TemplateNotFound:
        return name
    except (OSError, UnicodeDecodeError):
        # Unreadable: find the file without reading it, first folder first, as Jinja does.
        for loader in getattr(env.loader, "loaders", []):
            for folder in getattr(loader, "searchpath", []):
                if (Path(folder) / name).is_file():
                    return str(Path(folder) / name)
        return name
    return source[1] if source and source[1] else name
