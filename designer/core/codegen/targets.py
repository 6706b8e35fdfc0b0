"""The registry of generation targets: `msgflow generate --target NAME`.

A target turns a design into files: a plain function `(design, options) -> {relative
path: text}`. It never touches the disk; the planner and writer (plan.py, writer.py)
decide what to write, keep user-owned files and refuse paths outside the output folder.
So a target only has to get its content right, and `--dry-run`, the manifest and the
path checks work for every target alike.

Registering a target (other packages do this at import time):

    from designer.core.codegen.targets import TargetOptions, register

    @register("rabbitmq", help="RabbitMQ definitions.json")
    def rabbitmq_definitions(design: Design, options: TargetOptions) -> dict[str, str]:
        return {"rabbitmq/definitions.json": ...}

The module must be imported before the registry is read: add its dotted name to
`TARGET_MODULES` below (a one-line edit). A listed module that cannot be imported is an
error, never a target that silently goes missing.

Files a user is meant to edit (written once, kept on regeneration unless `--force`) are
declared by the target with `user_files`: paths matched by those globs are "user" files.
A target may also give a `stale_check`, which tells what a kept user file lacks of what
the target would write in it today (the plan prints it; see user_code.py).
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.core.model import Design

# `options.extra[IDENTIFIERS_KEY]`: the identifier mapping of the previous generation in
# the output folder (`namespace:key -> identifier`), so targets that name things in code
# (python, compose) keep every name stable across runs.
IDENTIFIERS_KEY = "identifiers"


# Modules that register the built-in targets when imported.
TARGET_MODULES: list[str] = [
    "designer.core.codegen.python_target",
    "designer.core.brokers.targets",
    "designer.core.exporters.asyncapi_target",
]


@dataclass(frozen=True)
class TargetOptions:
    """What every target is told besides the design."""

    broker: str = "rabbitmq"
    # A folder whose templates override the built-in ones (`--templates DIR`), or None.
    templates: Path | None = None
    # Free-form settings for targets (from the design's `settings.generate` and the CLI).
    extra: dict[str, Any] = field(default_factory=dict)


TargetFunction = Callable[[Design, TargetOptions], dict[str, str]]

# `(path, the user's text, what msgflow would write now) -> note`: what a kept user file
# lacks of today's design ("" when nothing), for the plan to say (see user_code.py).
StaleCheck = Callable[[str, str, str], str]


@dataclass(frozen=True)
class Target:
    name: str
    render: TargetFunction
    help: str = ""
    # Globs (relative to the output folder, `/`-separated) of files the user owns:
    # written when missing, never overwritten unless forced.
    user_files: tuple[str, ...] = ()
    stale_check: StaleCheck | None = None

    def is_user_file(self, relative_path: str) -> bool:
        return any(fnmatch.fnmatchcase(relative_path, pattern) for pattern in self.user_files)


class UnknownTargetError(KeyError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown target '{self.name}' (known: {', '.join(self.known) or 'none'})"


_REGISTRY: dict[str, Target] = {}
_loaded = False


def register(
    name: str,
    *,
    help: str = "",
    user_files: tuple[str, ...] = (),
    stale_check: StaleCheck | None = None,
) -> Callable[[TargetFunction], TargetFunction]:
    """Decorator: make `function` the target `name` (a later registration replaces it)."""

    def decorate(function: TargetFunction) -> TargetFunction:
        _REGISTRY[name] = Target(name, function, help, tuple(user_files), stale_check)
        return function

    return decorate


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for module_name in TARGET_MODULES:
        importlib.import_module(module_name)
    _loaded = True  # only once every module registered: a failed import fails every time


def available() -> list[str]:
    """Names of every registered target, sorted."""
    _load()
    return sorted(_REGISTRY)


def get(name: str) -> Target:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownTargetError(name, sorted(_REGISTRY)) from None


def resolve(name: str) -> list[Target]:
    """The targets `--target name` means: one, or every registered target for `all`."""
    if name == "all":
        return [get(n) for n in available()]
    return [get(name)]
