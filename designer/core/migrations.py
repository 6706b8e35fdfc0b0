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
    """Version 2 only adds optional keys (a flow's channel `parameters` and `bindings`; union
    field types, a field's `enum` and `discriminator`, a message's `one_of`): a version 1
    file means the same in version 2."""
    return {**raw, "version": 2}


MIGRATIONS: dict[int, Callable[[Raw], Raw]] = {0: _v0_to_v1, 1: _v1_to_v2}


def migrate(raw: Raw) -> Raw:
    version = raw.get("version", CURRENT_VERSION)
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError("$.version", f"no migration from format version {version}")
        raw = step(raw)
        version = raw["version"]
    return raw
