"""Hypothesis strategies for hostile JSON Schemas inside otherwise valid AsyncAPI documents.

The mutation fuzz (mutations.py) bends whole corpus systems, so a schema keyword of an odd
shape is one mutation among many and the importer's schema reading met one new crash site
per ~1,000 systems. Here every schema position of a small, valid AsyncAPI 2.6 or 3.0
document (payloads, headers, message traits, a Kafka key, channel parameters, multi-format
payloads, components/schemas) holds a generated schema: each keyword the importer reads
(type, properties, items, additionalProperties, allOf/oneOf/anyOf, required, enum, const,
default, examples, format, title, description, discriminator, $ref) is either of its
proper shape or any JSON value at all; a schema position itself may hold any JSON value;
`$ref`s point at the document's own schemas (so they form cycles), at parts that are no
schema, at nothing; schemas are nested hundreds deep inline or through chains of $refs.

`check_import(text, suffix)` runs `msgflow import asyncapi` on one document in-process and
says what promise it broke (None: exit 0 with a canonical design that loads, or exit 2
with located lines and no design written). The bounded suite test and the long run
(`python -m tests.fuzz.hostile_schemas --documents N --seed S`) share it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io as text_io
import json
import os
import re
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from designer.cli import main
from designer.core import io

JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
FORMATS = ("date-time", "date", "uuid", "byte", "binary", "decimal", "email", "int64", "")
COMPONENT_NAMES = ("S0", "S1", "S2", "S3")
NAMES = st.one_of(st.sampled_from(("a", "b", "id", "kind", "type", "", "x y")), st.text(max_size=4))

# ---------------------------------------------------------------- any JSON value

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from((*JSON_TYPES, *FORMATS, "#", "#/components/schemas/S0", "strnig")),
)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(NAMES, inner, max_size=3)),
    max_leaves=10,
)

# ---------------------------------------------------------------- references

_OWN_REFS = st.sampled_from(COMPONENT_NAMES).map(lambda n: f"#/components/schemas/{n}")
# Mostly the document's own schemas (cycles among them are the point); one in ten an odd
# target, most of which end the import with exit 2 (a document holds several references).
_ODD_REFS = st.sampled_from(
    (
        "#/components/schemas/S0/properties/a",
        "#/components/schemas/S1/items",
        "#/components/schemas/S2/allOf/0",
        "#/components/schemas",
        "#/components",
        "#",
        "",
        "#/info/title",
        "#/channels",
        "#/components/schemas/Missing",
        "#/components/schemas/S0/oneOf/7",
        "other.yaml#/Thing",
        "https://example.com/schema.json",
        "http://[::1",
    )
)
REFS = st.sampled_from(range(10)).flatmap(lambda n: _ODD_REFS if n == 9 else _OWN_REFS)

# ---------------------------------------------------------------- schemas

_KEYWORDS = (
    "type", "properties", "items", "additionalProperties", "allOf", "oneOf", "anyOf",
    "not", "required", "enum", "const", "default", "examples", "format", "title",
    "description", "discriminator", "$ref", "contentEncoding", "x-msgflow-field",
    "patternProperties", "nullable",
)  # fmt: skip


def _well_shaped(keyword: str, schema: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value of the shape JSON Schema gives `keyword` (its parts may still be hostile)."""
    if keyword == "type":
        return st.one_of(
            st.sampled_from(JSON_TYPES),
            st.lists(st.one_of(st.sampled_from(JSON_TYPES), VALUES), max_size=3),
        )
    if keyword in ("properties", "patternProperties"):
        return st.dictionaries(st.one_of(NAMES, st.integers(0, 2)), schema, max_size=3)
    if keyword == "items":
        return st.one_of(schema, st.lists(schema, max_size=2))
    if keyword == "additionalProperties":
        return st.one_of(st.booleans(), schema)
    if keyword in ("allOf", "oneOf", "anyOf"):
        return st.lists(schema, max_size=3)
    if keyword == "not":
        return schema
    if keyword == "required":
        return st.lists(st.one_of(NAMES, VALUES), max_size=3)
    if keyword in ("enum", "examples"):
        return st.lists(VALUES, max_size=4)
    if keyword == "format":
        return st.sampled_from(FORMATS)
    if keyword == "discriminator":
        return st.one_of(NAMES, st.fixed_dictionaries({"propertyName": st.one_of(NAMES, VALUES)}))
    if keyword == "$ref":
        return REFS
    if keyword == "x-msgflow-field":
        return NAMES  # msgflow's own key: any other shape is refused up front (tested elsewhere)
    if keyword == "contentEncoding":
        return st.sampled_from(("base64", "7bit"))
    return VALUES  # const, default, title, description, x-msgflow-field, nullable


def _keyword_value(keyword: str, schema: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the proper shape, sometimes any JSON value at all."""
    if keyword == "x-msgflow-field":
        return _well_shaped(keyword, schema)
    return st.one_of(_well_shaped(keyword, schema), _well_shaped(keyword, schema), VALUES)


def _schema_object(schema: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(st.sampled_from(_KEYWORDS), unique=True, max_size=5).flatmap(
        lambda keys: st.fixed_dictionaries({k: _keyword_value(k, schema) for k in keys})
    )


_NESTING = ("properties", "items", "allOf", "oneOf", "anyOf", "additionalProperties", "not")


def _nest(depth: int, how: str, leaf: Any) -> Any:
    """`leaf` wrapped in `depth` levels of one keyword, built without recursion."""
    node = leaf
    for _ in range(depth):
        if how == "properties":
            node = {"type": "object", "properties": {"a": node}, "required": ["a"]}
        elif how == "items":
            node = {"type": "array", "items": node}
        elif how == "additionalProperties":
            node = {"type": "object", "additionalProperties": node}
        elif how == "not":
            node = {"not": node}
        else:
            node = {how: [node, {"type": "null"}] if how != "allOf" else [node]}
    return node


SCHEMAS: st.SearchStrategy[Any] = st.deferred(
    lambda: st.one_of(
        _schema_object(SCHEMAS),
        _schema_object(SCHEMAS),
        st.builds(lambda ref: {"$ref": ref}, REFS),
        VALUES,
    )
)
DEEP_SCHEMAS = st.builds(
    _nest,
    st.integers(20, 250),
    st.sampled_from(_NESTING),
    st.one_of(SCHEMAS, REFS.map(lambda r: {"$ref": r})),
)
# One schema in twenty deep: a document holds several, and one too deep refuses it whole.
ANY_SCHEMA = st.sampled_from(range(20)).flatmap(lambda n: DEEP_SCHEMAS if n == 19 else SCHEMAS)


@st.composite
def components(draw: st.DrawFn) -> dict[str, Any]:
    """components/schemas: S0..S3 (each may name the others: cycles), sometimes a chain
    of hundreds of schemas each holding the next by $ref, sometimes not a mapping."""
    schemas: dict[str, Any] = {n: draw(ANY_SCHEMA) for n in COMPONENT_NAMES}
    # Keys no pointer names as they stand (`/`, `~`, `%`), or not text at all (YAML).
    odd_keys = st.one_of(st.sampled_from(("a/b", "c~d", "e%20f", "", " ")), NAMES)
    schemas.update(draw(st.dictionaries(odd_keys, SCHEMAS, max_size=2)))
    if draw(st.integers(0, 9)) == 9:
        length = draw(st.integers(50, 300))
        how = draw(
            st.sampled_from(("items", "properties", "allOf", "oneOf", "additionalProperties"))
        )
        for i in range(length):
            target = {"$ref": f"#/components/schemas/C{i + 1}"} if i + 1 < length else draw(SCHEMAS)
            schemas[f"C{i}"] = _nest(1, how, target)
        schemas["S3"] = {"$ref": "#/components/schemas/C0"}
    if draw(st.sampled_from(range(60))) == 59:
        return {"schemas": draw(VALUES)}
    return {"schemas": schemas}


# ---------------------------------------------------------------- Avro payloads

_AVRO_NAMES = st.sampled_from(
    ("Rec", "ns.Rec", "Other", "int", "long", "string", "null", "bytes", "boolean", "Missing")
)
AVRO: st.SearchStrategy[Any] = st.deferred(
    lambda: st.one_of(
        _AVRO_NAMES,
        VALUES,
        st.lists(AVRO, max_size=3),  # a union
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(("record", "error")),
                "name": st.one_of(_AVRO_NAMES, VALUES),
                "fields": st.one_of(
                    st.lists(
                        st.fixed_dictionaries(
                            {"name": st.one_of(NAMES, VALUES), "type": AVRO},
                            optional={"doc": VALUES, "default": VALUES},
                        ),
                        max_size=3,
                    ),
                    VALUES,
                ),
            },
            optional={"namespace": VALUES, "doc": VALUES},
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("enum"),
                "name": _AVRO_NAMES,
                "symbols": st.one_of(st.lists(VALUES), VALUES),
            }
        ),
        st.fixed_dictionaries({"type": st.just("array"), "items": AVRO}),
        st.fixed_dictionaries({"type": st.just("map"), "values": AVRO}),
        st.fixed_dictionaries({"type": st.just("fixed"), "name": _AVRO_NAMES, "size": VALUES}),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(("string", "long", "bytes")),
                "logicalType": st.one_of(st.sampled_from(("uuid", "date", "decimal", "x")), VALUES),
            }
        ),
        st.fixed_dictionaries({"type": AVRO}),
    )
)


def _nest_avro(depth: int, leaf: Any) -> Any:
    node = leaf
    for index in range(depth):
        node = (
            {"type": "array", "items": node}
            if index % 2
            else {"type": "record", "name": f"R{index}", "fields": [{"name": "a", "type": node}]}
        )
    return node


AVRO_ANY = st.sampled_from(range(10)).flatmap(
    lambda n: st.builds(_nest_avro, st.integers(20, 200), AVRO) if n == 9 else AVRO
)

# ---------------------------------------------------------------- documents

_JSON_SCHEMA_FORMATS = (
    "application/schema+json;version=draft-07",
    "application/vnd.aai.asyncapi+json;version=3.0.0",
    "application/vnd.apache.avro;version=1.9.0",
)


@st.composite
def _message(draw: st.DrawFn, name: str, v3: bool) -> dict[str, Any]:
    message: dict[str, Any] = {"name": name}
    payload = draw(ANY_SCHEMA)
    if draw(st.integers(0, 4)) == 4:
        schema_format = draw(st.sampled_from(_JSON_SCHEMA_FORMATS))
        if "avro" in schema_format:
            payload = draw(AVRO_ANY)
        if v3:
            payload = {"schemaFormat": schema_format, "schema": payload}
        else:
            message["schemaFormat"] = schema_format
    message["payload"] = payload
    if draw(st.booleans()):
        message["headers"] = draw(ANY_SCHEMA)
    if draw(st.integers(0, 3)) == 3:
        message["traits"] = [{"headers": draw(SCHEMAS), "payload": draw(SCHEMAS)}]
    if draw(st.integers(0, 3)) == 3:
        message["bindings"] = {"kafka": {"key": draw(ANY_SCHEMA)}}
    if draw(st.integers(0, 4)) == 4:
        message["correlationId"] = {"location": "$message.header#/id"}
    return message


@st.composite
def _parameters(draw: st.DrawFn, v3: bool) -> dict[str, Any]:
    if v3:
        return {"id": {"enum": draw(VALUES), "description": draw(VALUES), "default": draw(VALUES)}}
    return {"id": {"schema": draw(ANY_SCHEMA), "description": draw(VALUES)}}


@st.composite
def asyncapi_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid AsyncAPI 2.6 or 3.0 document of one to three channels, every schema hostile."""
    v3 = draw(st.booleans())
    count = draw(st.integers(1, 3))
    document: dict[str, Any] = {
        "asyncapi": "3.0.0" if v3 else "2.6.0",
        "info": {"title": "Hostile", "version": "1.0.0"},
        "channels": {},
    }
    if v3:
        document["operations"] = {}
    for i in range(count):
        message = draw(_message(f"M{i}", v3))
        parameters = draw(_parameters(v3)) if draw(st.integers(0, 3)) == 3 else None
        address = f"things.{i}" + (".{id}" if parameters else "")
        action = draw(st.sampled_from(("send", "receive")))
        if v3:
            channel: dict[str, Any] = {"address": address, "messages": {f"M{i}": message}}
            if parameters:
                channel["parameters"] = parameters
            document["channels"][f"c{i}"] = channel
            operation: dict[str, Any] = {
                "action": action,
                "channel": {"$ref": f"#/channels/c{i}"},
                "messages": [{"$ref": f"#/channels/c{i}/messages/M{i}"}],
            }
            if draw(st.integers(0, 3)) == 3:
                reply = draw(_message(f"R{i}", v3))
                channel["messages"][f"R{i}"] = reply
                operation["reply"] = {"messages": [{"$ref": f"#/channels/c{i}/messages/R{i}"}]}
            document["operations"][f"o{i}"] = operation
        else:
            verb = "publish" if action == "receive" else "subscribe"
            item: dict[str, Any] = {verb: {"operationId": f"o{i}", "message": message}}
            if draw(st.integers(0, 4)) == 4:
                item[verb]["message"] = {"oneOf": [message, draw(_message(f"N{i}", v3))]}
            if parameters:
                item["parameters"] = parameters
            document["channels"][address] = item
    document["components"] = draw(components())
    if draw(st.integers(0, 3)) == 3:
        document["components"]["messages"] = {"Spare": draw(_message("Spare", v3))}
    schemas = document["components"]["schemas"]
    if isinstance(schemas, dict) and draw(st.sampled_from(range(8))) == 7:
        # A schema holding itself by a YAML alias (no $ref): only YAML can write it.
        _hold_itself(
            schemas, draw(st.sampled_from(COMPONENT_NAMES)), draw(st.sampled_from(_NESTING))
        )
    return document


def _hold_itself(schemas: dict[str, Any], name: str, how: str) -> None:
    schema = schemas.get(name)
    if not isinstance(schema, dict):
        schema = schemas[name] = {"type": "object"}
    if how == "properties":
        if not isinstance(schema.get("properties"), dict):
            schema["properties"] = {}
        schema["properties"]["self"] = schema
    elif how in ("items", "additionalProperties", "not"):
        schema[how] = schema
    else:
        schema[how] = [schema, {"type": "null"}]


def _holds_itself(value: Any) -> bool:
    """Whether `value` contains itself (then only YAML, with an alias, can write it)."""
    seen: set[int] = set()
    stack = [(value, frozenset[int]())]
    while stack:
        node, above = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if id(node) in above:
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        inside = above | {id(node)}
        stack.extend((v, inside) for v in (node.values() if isinstance(node, dict) else node))
    return False


def serialise(document: dict[str, Any], as_yaml: bool) -> tuple[str, str]:
    """(text, file suffix): JSON (NaN and Infinity as Python writes them), or YAML."""
    if as_yaml or _holds_itself(document):
        with contextlib.suppress(RecursionError, yaml.YAMLError):
            return yaml.safe_dump(document, sort_keys=False, allow_unicode=True), ".yaml"
    try:
        return json.dumps(document), ".json"
    except RecursionError:
        return json.dumps({"asyncapi": "3.0.0", "info": {"title": "T", "version": "1"}}), ".json"


HOSTILE_DOCUMENTS = st.tuples(asyncapi_documents(), st.integers(0, 3).map(lambda n: n == 3)).map(
    lambda pair: serialise(*pair)
)

# ---------------------------------------------------------------- the promise

_LOCATED = re.compile(r"^\S.*?: (\$|line \d+ column \d+)")
# What each document came to: exit 0, or exit 2 and the first refusal's words (the
# long run prints these, so a strategy that only ever reaches one refusal shows).
OUTCOMES: Counter[str] = Counter()


def check_import(text: str, suffix: str) -> str | None:
    """None when `msgflow import asyncapi` kept its promises on this document, else the
    broken promise (an escaped exception's type and innermost designer/ frame first)."""
    with tempfile.TemporaryDirectory(prefix="hostile-schema-") as name:
        folder = Path(name)
        spec = folder / f"doc{suffix}"
        spec.write_text(text, encoding="utf-8", errors="surrogatepass")
        before = spec.read_bytes()
        out, err = text_io.StringIO(), text_io.StringIO()
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["import", "asyncapi", spec.name, "-o", "design.msgflow.json"])
        except BaseException as error:  # the point is to see any escape
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if "/designer/" in f.filename] or frames
            where = (
                f"{ours[-1].filename.split('/designer/')[-1]}:{ours[-1].lineno}" if ours else "?"
            )
            return f"{type(error).__name__} at {where}"
        finally:
            os.chdir(cwd)
        written = folder / "design.msgflow.json"
        if spec.read_bytes() != before:
            return "changed the document"
        if code == 2:
            lines = [line for line in err.getvalue().splitlines() if line.strip()]
            if not lines or "Traceback" in err.getvalue():
                return "exit 2 without a message"
            OUTCOMES[
                "exit 2: " + re.sub(r"'[^']*'|\d+", "_", lines[0].split(": ", 2)[-1])[:50]
            ] += 1
            if any("contains itself with no end" in line for line in lines):
                return "exit 2 at $ only: a RecursionError caught by the last resort"
            if not all(_LOCATED.match(line) for line in lines):
                return f"exit 2 with an unlocated line: {lines[0][:80]}"
            if not all(line.startswith(f"{spec.name}: ") for line in lines):
                # Located in the design it would have written: no place the user can edit.
                return f"exit 2 located elsewhere than the document: {lines[0][:60]}"
            return "wrote a design on exit 2" if written.exists() else None
        if code != 0:
            return f"exit {code}"
        OUTCOMES["exit 0"] += 1
        data = written.read_text(encoding="utf-8")
        if io.dumps(io.loads(data)) != data:
            return "wrote a design that is not canonical"
        return None


# ---------------------------------------------------------------- the long run


def _campaign(documents: int, seed: int, out: Path) -> None:
    """Draw `documents` hostile documents (hypothesis, derandomised from `seed`), note
    every broken promise by cause and keep the first document of each. The summary is
    rewritten to OUT/report.txt every 200 documents and when the run is stopped (SIGTERM)."""
    import signal

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as seeded

    out.mkdir(parents=True, exist_ok=True)
    causes: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    started = time.process_time()

    def report() -> str:
        cpu = time.process_time() - started
        lines = [
            f"hostile schemas, seed {seed}: {tried['documents']} documents, "
            f"{sum(causes.values())} failures, {len(causes)} causes, {cpu:.0f} s CPU",
            *(f"  {count:6d}  {cause}" for cause, count in causes.most_common()),
            "outcomes:",
            *(f"  {count:6d}  {outcome}" for outcome, count in OUTCOMES.most_common(15)),
        ]
        text = "\n".join(lines)
        (out / "report.txt").write_text(text + "\n", encoding="utf-8")
        return text

    def stop(signum: int, frame: Any) -> None:
        print(report(), flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)

    @seeded(seed)
    @settings(
        max_examples=documents,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(HOSTILE_DOCUMENTS)
    def one(document: tuple[str, str]) -> None:
        text, suffix = document
        cause = check_import(text, suffix)
        tried["documents"] += 1
        if tried["documents"] % 200 == 0:
            print(report().split("\n", 1)[0], flush=True)
        if cause is None:
            return
        causes[cause] += 1
        digest = hashlib.sha1(cause.encode()).hexdigest()[:10]
        kept = out / f"{digest}{suffix}"
        if not kept.exists():
            kept.write_text(text, encoding="utf-8", errors="surrogatepass")
            print(f"NEW CAUSE {cause} -> {kept}", flush=True)

    one()
    print(report())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("build/hostile-schemas"))
    arguments = parser.parse_args()
    _campaign(arguments.documents, arguments.seed, arguments.out)
