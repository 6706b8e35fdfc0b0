"""Hypothesis strategies for design documents a user (or an attacker) could hand msgflow.

Four sources, mixed: designs built from the schema (mostly loadable, so the commands
get past the loader and into validation, export and generation), structure-aware
mutations of the bundled examples (a value replaced by a hostile one, a key dropped or
added, an item duplicated), byte-level mutations of the examples, and mutations of seeds
the fixes were not tuned to (imported AsyncAPI systems, synthetic designs; mutations.py).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from designer.resources import examples_dir
from tests.fuzz.mutations import at, containers, document, seed_sources

EXAMPLES: dict[str, str] = {
    p.name: p.read_text(encoding="utf-8")
    for p in sorted(Path(examples_dir()).glob("*.msgflow.json"))
}

# Stand-ins json.dumps cannot write, put back as text after dumping.
_RAW = {
    "\x00HUGE\x00": "1e309",
    "\x00NEGHUGE\x00": "-1e309",
    "\x00BIGINT\x00": "9" * 400,
    "\x00DEEP\x00": "[" * 400 + "]" * 400,
}

WORDS = [
    "service", "actor", "command", "query", "event", "http", "queue", "topic", "off",
    "error", "warning", "info", "msgflow", "string", "integer", "list[string]",
    "map[string,integer]", "uuid", "orphan-node", "severity", "threshold", "partitions",
]  # fmt: skip

_text = st.text(
    # Surrogates included on purpose: json.dumps escapes them as \udXXX, as an attacker would.
    st.characters(codec=None, exclude_categories=()),
    max_size=12,
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(-3, 10),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.999, -0.0, 1e-7, 2.675, 1e300]),
    _text,
    st.sampled_from(WORDS),
    st.sampled_from(sorted(_RAW)),
)
json_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(_text, st.sampled_from(WORDS)), children, max_size=4)
    ),
    max_leaves=12,
)


def to_text(raw: Any) -> str:
    text = json.dumps(raw, ensure_ascii=True)  # lone surrogates become \udXXX escapes
    for marker, literal in _RAW.items():
        text = text.replace(json.dumps(marker), literal)
    return text


# ---------------------------------------------------------------- structure-aware mutation


def _ids(raw: Any) -> list[str]:
    ids: list[str] = []
    for section in ("nodes", "messages", "flows"):
        items = raw.get(section) if isinstance(raw, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.append(item["id"])
    return ids or ["x"]


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    raw = json.loads(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))])
    ids = _ids(raw)
    for _ in range(draw(st.integers(1, 4))):
        places = containers(raw)
        target = at(raw, draw(st.sampled_from(places)))
        # Values that refer to what exists make semantic mistakes (a flow to a message id).
        value = draw(st.one_of(json_values, st.sampled_from(ids)))
        action = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if isinstance(target, dict):
            keys = sorted(target)
            if action == "add" or not keys:
                target[draw(st.one_of(st.sampled_from(WORDS), _text))] = value
            elif action == "delete":
                del target[draw(st.sampled_from(keys))]
            else:
                target[draw(st.sampled_from(keys))] = value
        elif target:
            index = draw(st.integers(0, len(target) - 1))
            if action == "delete":
                del target[index]
            elif action == "duplicate":
                target.append(json.loads(json.dumps(target[index])))
            elif action == "add":
                target.insert(index, value)
            else:
                target[index] = value
        else:
            target.append(value)
    return to_text(raw)


# ---------------------------------------------------------------- built from the schema


_ids_text = st.text("abcxyz-_0129É", min_size=1, max_size=6)
_name = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)


@st.composite
def schema_designs(draw: st.DrawFn) -> str:
    nodes = draw(st.lists(_ids_text, min_size=1, max_size=6, unique=True))
    messages = draw(st.lists(_ids_text, min_size=0, max_size=6, unique=True))
    node_items = [
        {
            "id": n,
            "name": draw(st.one_of(st.just(n.title()), st.just(n.title()), _name)),
            "kind": draw(st.sampled_from(["service", "service", "actor"])),
            **draw(st.fixed_dictionaries({}, optional={"boundary": _ids_text})),
        }
        for n in nodes
    ]
    field = st.fixed_dictionaries(
        {
            "name": _ids_text,
            # One unknown type in twenty: enough to exercise the refusal, rare enough
            # that most designs load and reach validation, export and generation.
            "type": st.sampled_from(
                ["string", "integer", "list[string]", "uuid", "decimal", "map[string,integer]"] * 3
                + ["Nope"]
            ),
        },
        optional={"required": st.booleans()},
    )
    message_items = []
    for m in messages:
        kind = draw(st.sampled_from(["command", "query", "event"]))
        item: dict[str, Any] = {
            "id": m,
            "name": draw(st.one_of(st.just(m.title()), st.just(m.title()), _name)),
            "kind": kind,
            "fields": draw(st.lists(field, max_size=3)),
        }
        if kind == "query" and draw(st.booleans()):
            item["response"] = draw(st.lists(field, max_size=2))
            item["scatter_gather"] = draw(st.booleans())
        if draw(st.booleans()):
            item["owner"] = draw(st.sampled_from(nodes))
        message_items.append(item)
    flows = []
    for index in range(draw(st.integers(0, 8)) if messages else 0):
        flow: dict[str, Any] = {
            "id": f"f{index}",
            "message": draw(st.sampled_from(messages)),
            "from": draw(st.sampled_from(nodes)),
            "to": draw(st.sampled_from(nodes)),
            "transport": draw(st.sampled_from(["http", "queue", "topic"])),
        }
        flow.update(
            draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "timeout_ms": st.integers(1, 2**31 - 1),
                        "channel": _ids_text,
                        "idempotent": st.booleans(),
                        "caused_by": st.sampled_from(messages),
                        "dead_letter": st.booleans(),
                    },
                )
            )
        )
        flows.append(flow)
    raw: dict[str, Any] = {
        "format": "msgflow",
        "version": 1,
        "name": draw(st.one_of(_ids_text, _name)),
        "nodes": node_items,
        "messages": message_items,
        "flows": flows,
    }
    if draw(st.booleans()):
        coordinate = st.floats(-1e6, 1e6, allow_nan=False)
        raw["layout"] = {n: {"x": draw(coordinate), "y": draw(coordinate)} for n in nodes}
        if flows and draw(st.booleans()):
            # Version 2: positions under `nodes`, and the arrows' shapes the user chose
            # (now and then one out of range, of an unknown style or of no such flow).
            point = st.fixed_dictionaries(
                {"x": coordinate | st.just(2e9), "y": coordinate | st.just(-5e9)}
            )
            shape = st.fixed_dictionaries(
                {},
                optional={
                    "route": st.sampled_from(["orthogonal", "curved", "straight"] * 5 + ["zig"]),
                    "bends": st.lists(point, max_size=4),
                    "label": point,
                },
            )
            ids = [f["id"] for f in flows] * 4 + ["f99"]
            arrows = draw(st.dictionaries(st.sampled_from(ids), shape, max_size=4))
            raw["version"] = 2
            raw["layout"] = {"nodes": raw["layout"], "flows": arrows}
    if draw(st.booleans()):
        raw["settings"] = {
            "generate": draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "partitions": st.integers(1, 64),
                        "queue_type": st.sampled_from(["quorum", "classic"]),
                        "vhost": _ids_text,
                    },
                )
            ),
            "rules": draw(
                st.dictionaries(
                    st.sampled_from(["orphan-node", "nope"]),
                    st.sampled_from(["off", "error", "warning", "info"]) | st.sampled_from(WORDS),
                )
            ),
        }
    if draw(st.integers(0, 9)) == 0:  # and now and then one hostile value in it
        raw["name" if draw(st.booleans()) else "description"] = draw(json_values)
    return to_text(raw)


# ---------------------------------------------------------------- byte mutations


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))].encode("utf-8"))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["set", "delete", "insert"]))
        if action == "set":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position]
        else:
            data[position:position] = draw(
                st.sampled_from([b"{", b"]", b'"', b",", b"0", b"\\", b"e999", b"\\ud83d", b"\xff"])
            )
    return bytes(data)


def unseen_documents() -> st.SearchStrategy[bytes]:
    """Seeds the loader was not tuned to (designs imported from the public AsyncAPI
    corpus, synthetic designs of several sizes, the examples), mutated structurally and
    at byte level by tests/fuzz/mutations.py, the code the long campaign runs."""
    # The bounded budget keeps to designs of up to 30 services; the campaign goes larger.
    return st.builds(
        lambda source, number: document(random.Random(number), source, largest=30)[3],
        st.sampled_from(seed_sources()),
        st.integers(0, 2**32),
    )


def documents() -> st.SearchStrategy[bytes]:
    return st.one_of(
        schema_designs().map(lambda t: t.encode("utf-8")),
        mutated_examples().map(lambda t: t.encode("utf-8")),
        byte_mutations(),
        unseen_documents(),
    )
