"""AsyncAPI channel parameters -> the design's `ChannelParameter`s.

AsyncAPI 3 parameters are strings with an optional `enum`; 2.x ones carry a JSON `schema`
(its `type`, `enum` and `description` are kept). What a design cannot hold (a `location`
in the message, `default`, `examples`, schema constraints) is reported, not dropped
silently. msgflow's own exports note an integer's type (`x-msgflow-type`) and, on Kafka,
where the topic leaves the parameters out, the design's list (`x-msgflow-parameters`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from designer.core.errors import json_path
from designer.core.model import ChannelParameter

Deref = Callable[[Any, str], tuple[Any, str | None]]
Note = Callable[[str, str], None]

# Keys each parameter object may have that a design keeps (the rest is reported).
_KEPT = {"description", "enum", "schema", "x-msgflow-type"}
_SCHEMA_KEPT = {"type", "enum", "description"}


def read_parameters(
    channel: dict[str, Any], deref: Deref, at: str, note: Note
) -> tuple[ChannelParameter, ...]:
    """The parameters a channel (v3) or channel item (v2) declares, in their order."""
    kept = channel.get("x-msgflow-parameters")
    if isinstance(kept, list):
        try:
            return tuple(ChannelParameter.model_validate(p) for p in kept)
        except ValidationError as error:
            note(f"{at}.x-msgflow-parameters", f"not read: {error.errors()[0]['msg']}")
            return ()
    declared = channel.get("parameters")
    if not isinstance(declared, dict):
        return ()
    out: list[ChannelParameter] = []
    for name, raw in declared.items():
        where = f"{at}.{json_path(('parameters', name))[2:]}"
        target, _ = deref(raw, where)
        parameter = _parameter(str(name), target if isinstance(target, dict) else {}, where, note)
        if parameter is not None:
            out.append(parameter)
    return tuple(out)


def _parameter(name: str, target: dict[str, Any], at: str, note: Note) -> ChannelParameter | None:
    raw_schema = target.get("schema")
    schema: dict[str, Any] = raw_schema if isinstance(raw_schema, dict) else {}
    kind = target.get("x-msgflow-type") or schema.get("type")
    enum = target.get("enum", schema.get("enum"))
    lost = sorted(k for k in target if k not in _KEPT and not k.startswith("x-"))
    lost += sorted(f"schema.{k}" for k in schema if k not in _SCHEMA_KEPT)
    if kind not in (None, "string", "integer"):
        lost.append(f"type {kind} (kept as a string)")
    if lost:
        note(at, f"parameter {name}: {', '.join(lost)} not part of a design: not kept")
    description = target.get("description") or schema.get("description")
    try:
        return ChannelParameter(
            name=name,
            type="integer" if kind == "integer" else "string",
            description=description if isinstance(description, str) else None,
            enum=[str(v) for v in enum] if isinstance(enum, list) else None,
        )
    except ValidationError:  # the name is the only part that can still be refused
        note(at, f"parameter '{name}' is not a name a channel can hold: kept as text")
        return None
