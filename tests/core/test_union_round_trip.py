"""Property: any design with unions, enums and discriminators survives export -> import.

Random records (some tagged by a `kind` enum), fields whose types are unions of
primitives, records, lists and maps (discriminated when every alternative is a tagged
record), messages whose body is one of several records, and a query whose answer is. Exported as AsyncAPI for a
random broker and imported back, `msgflow diff` finds nothing.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from designer.core import io
from designer.core.diff import diff_designs, format_text
from designer.core.errors import DesignLoadError
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec
from tests.support.hypothesis_budget import examples

PRIMITIVES = ["string", "integer", "decimal", "boolean", "datetime", "date", "uuid", "bytes"]


@st.composite
def designs(draw: st.DrawFn) -> dict[str, Any]:
    records: list[dict[str, Any]] = []
    tagged: list[str] = []
    for index in range(draw(st.integers(2, 4))):
        name = f"R{index}"
        fields: list[dict[str, Any]] = []
        if draw(st.booleans()):
            values = [f"r{index}", *draw(st.sampled_from([[], [f"r{index}-alt"]]))]
            fields.append({"name": "kind", "type": "string", "enum": values})
            tagged.append(name)
        for number in range(draw(st.integers(1, 3))):
            field: dict[str, Any] = {
                "name": f"f{number}",
                "type": draw(st.sampled_from(PRIMITIVES)),
            }
            if field["type"] == "string" and draw(st.booleans()):
                field["enum"] = draw(st.lists(st.sampled_from("abcde"), min_size=1, unique=True))
            if draw(st.booleans()):
                field["required"] = False
            fields.append(field)
        records.append({"name": name, "fields": fields})
    names = [r["name"] for r in records]

    def member() -> str:
        leaf = draw(st.sampled_from(PRIMITIVES + names))
        return draw(st.sampled_from([leaf, f"list[{leaf}]", f"map[string,{leaf}]"]))

    messages = []
    for index in range(draw(st.integers(1, 3))):
        message: dict[str, Any] = {"id": f"m{index}", "name": f"M{index}", "kind": "event"}
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(names), min_size=2, unique=True))
            message["one_of"] = chosen
            if set(chosen) <= set(tagged) and draw(st.booleans()):
                message["discriminator"] = "kind"
        else:
            fields = []
            for number in range(draw(st.integers(1, 3))):
                if draw(st.booleans()) and len(tagged) >= 2:
                    chosen = draw(st.lists(st.sampled_from(tagged), min_size=2, unique=True))
                    union = " | ".join(chosen)
                    wrapped = draw(st.sampled_from([union, f"list[{union}]"]))
                    field = {"name": f"u{number}", "type": wrapped}
                    if draw(st.booleans()):
                        field["discriminator"] = "kind"
                else:
                    members = draw(st.lists(st.builds(member), min_size=2, max_size=3, unique=True))
                    field = {"name": f"u{number}", "type": " | ".join(members)}
                fields.append(field)
            message["fields"] = fields
        messages.append(message)
    # Every record read by some message (the export describes only the records it uses).
    messages.append({"id": "all", "name": "All", "kind": "event", "one_of": names})
    # A query whose answer is one of several records.
    answer = draw(st.lists(st.sampled_from(names), min_size=2, unique=True))
    query: dict[str, Any] = {
        "id": "ask",
        "name": "Ask",
        "kind": "query",
        "fields": [{"name": "id", "type": "uuid"}],
        "response": [],
        "response_one_of": answer,
    }
    if set(answer) <= set(tagged) and draw(st.booleans()):
        query["response_discriminator"] = "kind"
    messages.append(query)
    return {
        "format": "msgflow",
        "version": 2,
        "name": "Unions",
        "nodes": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "schemas": records,
        "messages": messages,
        "flows": [
            {"id": f"f{i}", "message": m["id"], "from": "a", "to": "b", "transport": "topic"}
            for i, m in enumerate(messages)
            if m["kind"] == "event"
        ]
        + [{"id": "q", "message": "ask", "from": "a", "to": "b", "transport": "http"}],
    }


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=designs(), broker=st.sampled_from(["rabbitmq", "nats", "kafka", "redis"]))
def test_any_union_design_survives_export_and_import(raw: dict[str, Any], broker: str) -> None:
    try:
        design = io.loads(json.dumps(raw))
    except DesignLoadError:
        assume(False)  # e.g. `integer | number`: the loader's refusals are tested elsewhere
        raise
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")
