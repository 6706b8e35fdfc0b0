"""File names for exported items: an id when it is a plain, short name, else a safe one.

Kept apart from the package's entry point so each exporter (and the NATS configuration)
can use it without importing the package that imports them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# A plain file name: letters (any script), digits, `_`, `.`, `-` and inner spaces.
_PLAIN_NAME = re.compile(r"\w(?:[\w .-]*[\w-])?")
_MAX_NAME_BYTES = 100  # far below the usual 255, leaving room for prefixes and suffixes
# Names Windows reserves for devices, with any extension: `con`, `aux.json`, `com1`...
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in range(10))]
)


def file_name(item_id: str) -> str:
    """The id itself when it is a plain, short file name, else its slug and a short hash.

    Ids are free text: `../../etc`, `a/b`, a name with a newline or of 300 characters must
    not choose where an exported file lands, nor make two ids share one file.
    """
    if (
        _PLAIN_NAME.fullmatch(item_id)
        and len(item_id.encode("utf-8")) <= _MAX_NAME_BYTES
        and item_id.split(".")[0].upper() not in _WINDOWS_DEVICES
    ):
        return item_id
    return _hashed(item_id)


def _hashed(item_id: str) -> str:
    from designer.core.channels import slug

    return f"{slug(item_id)[:40]}-{hashlib.sha1(item_id.encode('utf-8')).hexdigest()[:8]}"


def file_names(ids: Iterable[str]) -> dict[str, str]:
    """`file_name` of each id, made distinct where file systems ignore case or Unicode form.

    On macOS and Windows `SERVICE` and `service` are one folder: the later id (in sorted
    order, so stable) gets the hashed name instead of overwriting the other's files.
    """
    result: dict[str, str] = {}
    taken: set[str] = set()
    for item_id in sorted(set(ids)):
        name = file_name(item_id)
        if _fold(name) in taken:
            name = _hashed(item_id)
        taken.add(_fold(name))
        result[item_id] = name
    return result


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()
