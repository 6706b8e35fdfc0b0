"""Migrations of older design files to the current format version, applied on load.

Each step takes the raw JSON dict of version N and returns version N+1. The file on
disk is only rewritten when the user saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import CURRENT_VERSION

Raw = dict[str, Any]


class MigrationError(ValueError):
    """An old file whose shape the migration cannot read, located at `path`."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _list_at(raw: Raw, key: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MigrationError(f"$.{key}", f"expected an array, found {_json_kind(value)}")
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    return "a string" if isinstance(value, str) else "null"


def _v0_to_v1(raw: Raw) -> Raw:
    """Version 0 (the prototype) kept positions inside nodes and called flows `edges`.

    v0: {"nodes": [{"id", "name", "type", "x", "y"}], "edges": [{"id", "message", "source",
    "target", "transport"}], ...}
    """
    out = {k: v for k, v in raw.items() if k not in ("nodes", "edges")}
    old_layout = raw.get("layout") or {}
    if not isinstance(old_layout, dict):
        raise MigrationError("$.layout", f"expected an object, found {_json_kind(old_layout)}")
    layout: dict[str, Any] = dict(old_layout)
    nodes = []
    for node in _list_at(raw, "nodes"):
        if not isinstance(node, dict):
            nodes.append(node)
            continue
        node = dict(node)
        if "type" in node and "kind" not in node:
            node["kind"] = node.pop("type")
        if "x" in node or "y" in node:
            layout[str(node.get("id"))] = {"x": node.pop("x", 0), "y": node.pop("y", 0)}
        nodes.append(node)
    flows = []
    for edge in _list_at(raw, "edges"):
        if isinstance(edge, dict):
            edge = dict(edge)
            if "source" in edge:
                edge["from"] = edge.pop("source")
            if "target" in edge:
                edge["to"] = edge.pop("target")
        flows.append(edge)
    out["nodes"] = nodes
    out["flows"] = flows + _list_at(raw, "flows")
    if layout:
        out["layout"] = layout
    out["version"] = 1
    return out


def _v1_to_v2(raw: Raw) -> Raw:
    """Version 2 splits `layout` into card positions (`nodes`) and the arrows' shapes the
    user chose (`flows`); a version 1 layout held card positions only. Everything else
    version 2 adds is optional (a flow's channel `parameters` and `bindings`; union field
    types, a field's `enum` and `discriminator`, a message's `one_of`, a query's
    `response_one_of`): nothing else of a version 1 file changes meaning.

    v1: {"layout": {"orders": {"x": 0, "y": 0}}} -> v2: {"layout": {"nodes": {"orders": ...}}}
    """
    out = dict(raw)
    layout = raw.get("layout")
    if layout is not None:
        if not isinstance(layout, dict):
            raise MigrationError("$.layout", f"expected an object, found {_json_kind(layout)}")
        out["layout"] = layout if _split_already(layout) else {"nodes": dict(layout)}
    out["version"] = 2
    return out


def _split_already(layout: Raw) -> bool:
    """Whether a layout without a version already has version 2's shape (a file written
    by hand after the docs of version 2). Unambiguous: a version 1 entry is a point whose
    `x` and `y` are numbers, a version 2 part is an object of objects."""
    return all(
        key in ("nodes", "flows")
        and isinstance(part, dict)
        and all(isinstance(entry, dict) for entry in part.values())
        for key, part in layout.items()
    )


MIGRATIONS: dict[int, Callable[[Raw], Raw]] = {0: _v0_to_v1, 1: _v1_to_v2}

# A file without `version` predates the key being written: the shape of version 1.
UNVERSIONED = 1


def positions_moved(raw: Raw) -> bool:
    """Whether migrating `raw` moves its card positions from `layout` to `layout.nodes`
    (so a problem found there is reported where the file has it)."""
    version = raw.get("version", UNVERSIONED)
    layout = raw.get("layout")
    return (
        isinstance(version, int)
        and version < 2
        and isinstance(layout, dict)
        and not _split_already(layout)
    )


def migrate(raw: Raw) -> Raw:
    version = raw.get("version", UNVERSIONED)
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError("$.version", f"no migration from format version {version}")
        raw = step(raw)
        version = raw["version"]
    return raw
