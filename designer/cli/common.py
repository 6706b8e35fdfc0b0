"""Helpers shared by the commands: loading designs with located errors, printing."""

from __future__ import annotations

import sys

from designer.core import io
from designer.core.errors import DesignLoadError
from designer.core.model import Design

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


def load_or_report(path: str) -> Design | None:
    """The design at `path`, or None after printing its located problems to stderr."""
    try:
        return io.load(path)
    except DesignLoadError as error:
        print(error.describe(), file=sys.stderr)
        return None


def error(message: str) -> None:
    print(f"msgflow: {message}", file=sys.stderr)


def empty_path(option: str, value: str) -> bool:
    """True, after saying so, for an empty path (`-o "$OUT"` with OUT unset): not `.`."""
    if value.strip():
        return False
    error(f"{option}: the path is empty")
    return True
