"""Cross-reference checks that need the whole design: ids that must exist and be unique.

Shape errors are pydantic's job; these are the errors a graph can have although every
object in it is well-formed. Each is reported at its JSON path.
"""

from __future__ import annotations

from collections.abc import Iterator

from .errors import Problem, did_you_mean
from .model import (
    Design,
    MessageField,
    MessageKind,
    RecordSchema,
    field_problems,
    one_of_problem,
)


def reference_problems(design: Design) -> list[Problem]:
    return list(_iter_problems(design))


def _duplicates(kind: str, key: str, ids: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            yield Problem(f"$.{kind}[{index}].{key}", f"duplicate {key} '{item_id}'")
        seen.add(item_id)


def _field_problems(
    path: str, fields: list[MessageField], records: dict[str, RecordSchema]
) -> Iterator[Problem]:
    names: set[str] = set()
    for index, field in enumerate(fields):
        if field.name in names:
            yield Problem(f"{path}[{index}].name", f"duplicate field '{field.name}'")
        names.add(field.name)
        for key, problem in field_problems(field, records):
            hint = did_you_mean(field.type, set(records)) if key == "type" else ""
            yield Problem(f"{path}[{index}].{key}", problem + hint)


def _iter_problems(design: Design) -> Iterator[Problem]:
    node_ids = [n.id for n in design.nodes]
    message_ids = [m.id for m in design.messages]
    flow_ids = [f.id for f in design.flows]
    records = {s.name: s for s in design.schemas}
    yield from _duplicates("nodes", "id", node_ids)
    yield from _duplicates("messages", "id", message_ids)
    yield from _duplicates("flows", "id", flow_ids)
    yield from _duplicates("schemas", "name", [s.name for s in design.schemas])
    nodes, messages = set(node_ids), set(message_ids)

    for index, schema in enumerate(design.schemas):
        yield from _field_problems(f"$.schemas[{index}].fields", schema.fields, records)

    for index, message in enumerate(design.messages):
        at = f"$.messages[{index}]"
        yield from _field_problems(f"{at}.fields", message.fields, records)
        if union := one_of_problem(message, records):
            yield Problem(f"{at}.{union[0]}", union[1])
        if message.response is not None:
            if message.kind is not MessageKind.QUERY:
                yield Problem(
                    f"{at}.response",
                    f"only queries have a response; '{message.name}' is a {message.kind.value}",
                )
            yield from _field_problems(f"{at}.response", message.response, records)
        if message.scatter_gather and message.kind is not MessageKind.QUERY:
            yield Problem(f"{at}.scatter_gather", "only queries can be scatter-gather")
        if message.owner is not None and message.owner not in nodes:
            yield Problem(
                f"{at}.owner",
                f"unknown node '{message.owner}'" + did_you_mean(message.owner, nodes),
            )

    for index, flow in enumerate(design.flows):
        at = f"$.flows[{index}]"
        if flow.message not in messages:
            yield Problem(
                f"{at}.message",
                f"unknown message '{flow.message}'" + did_you_mean(flow.message, messages),
            )
        for key, node_id in (("from", flow.source), ("to", flow.target)):
            if node_id not in nodes:
                yield Problem(
                    f"{at}.{key}", f"unknown node '{node_id}'" + did_you_mean(node_id, nodes)
                )
        if flow.caused_by is not None and flow.caused_by not in messages:
            yield Problem(
                f"{at}.caused_by",
                f"unknown message '{flow.caused_by}'" + did_you_mean(flow.caused_by, messages),
            )

    for node_id in design.layout.nodes:
        if node_id not in nodes:
            yield Problem(
                f"$.layout.nodes.{node_id}",
                f"layout for unknown node '{node_id}'" + did_you_mean(node_id, nodes),
            )
    flows = set(flow_ids)
    for flow_id in design.layout.flows:
        if flow_id not in flows:
            yield Problem(
                f"$.layout.flows.{flow_id}",
                f"layout for unknown flow '{flow_id}'" + did_you_mean(flow_id, flows),
            )
