"""Real public AsyncAPI documents (tests/data/asyncapi/spec-*, see LICENSES.md) import whole.

For every document (the social-media services together, as the multi-file system they
are; the RPC client and server also together): `msgflow import` exits 0; every source operation, counted here from the YAML itself,
is in the report with at least one flow (one that carries no message at all, with the
line saying so); every message whose payload is an object has
fields, or the report says why not; validate finds no error; export -> import gives the
same design; the export passes the official AsyncAPI parser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from designer.cli import main
from designer.core import io
from designer.core.diff import diff_designs, format_text
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import ImportResult, import_asyncapi
from designer.core.importers.spec_loading import Spec
from designer.core.model import Severity
from designer.core.rules.engine import validate
from tests.support.node_tools import asyncapi_errors

DATA = Path(__file__).resolve().parents[2] / "data" / "asyncapi"


def _cases() -> dict[str, list[Path]]:
    cases: dict[str, list[Path]] = {}
    for version in ("spec-2.6", "spec-3.0"):
        for file in sorted((DATA / version).glob("*.yml")):
            cases[f"{version}/{file.stem}"] = [file]
        cases[f"{version}/social-media"] = sorted(
            (DATA / version / "social-media").glob("*/asyncapi.yaml")
        )
        # A client's and a server's documents of one RPC, imported together.
        cases[f"{version}/rpc-client+server"] = sorted((DATA / version).glob("rpc-*.yml"))
    # Gathered after the importer was written (public/LICENSES.md): a file directly under
    # public/<source>/ is one system; a folder there is one system of every document in it
    # (a document has an `asyncapi` key; the files they share have none).
    for source in sorted(p for p in (DATA / "public").iterdir() if p.is_dir()):
        for item in sorted(source.iterdir()):
            if item.is_file():
                cases[f"public/{source.name}/{item.stem}"] = [item]
            else:
                cases[f"public/{source.name}/{item.name}"] = [
                    f
                    for f in sorted(item.rglob("*"))
                    if f.suffix in (".yaml", ".yml", ".json") and _is_asyncapi_document(f)
                ]
    return cases


def _load(file: Path) -> Any:
    """A document as written: JSON (which may be indented with tabs, as YAML may not) or YAML."""
    text = file.read_text(encoding="utf-8")
    return json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)


def _is_asyncapi_document(file: Path) -> bool:
    loaded = _load(file)
    return isinstance(loaded, dict) and "asyncapi" in loaded


CASES = _cases()

# Messages that honestly have no fields, and the report line that says why.
WITHOUT_FIELDS: dict[str, dict[str, str]] = {
    # Avro payloads on remote URLs: neither read (Avro) nor fetched (offline).
    "spec-3.0/adeo-kafka-request-reply-asyncapi": {
        "costing-request-v1": "payload in application/vnd.apache.avro",
    },
    # `payload: {}`: any value at all (the echo servers' examples send strings, numbers,
    # objects); no field could say which.
    "public/generator/asyncapi-postman-echo": {
        "echo": "the payload schema is empty (any value)",
    },
    "public/generator/hoppscotch": {"echo": "the payload schema is empty (any value)"},
    "public/generator/asyncapi-websocket-query": {
        "multiple-examples": "the payload schema is empty (any value)",
    },
    # `payload: {type: object}` and nothing more: any object.
    "public/glee/slack-reaction-listener": {
        "slack-reaction-added": "an object payload without properties",
    },
    "public/bundler/spec": {"empty-message": "an object payload without properties"},
    # A message with no `payload` at all.
    "public/java-spring-cloud-stream-template/no-payload-message": {
        "test-notification-message": "no payload is declared",
    },
    # Adeo's case study as published: its Avro payloads are remote `.avsc` files.
    "public/website/adeo-asyncapi": {
        "costing-request-v1": "payload in application/vnd.apache.avro",
    },
}


def _source_operations(files: list[Path]) -> int:
    """Operations as the documents write them: v3 `operations`, v2 publish/subscribe."""
    count = 0
    for file in files:
        document: dict[str, Any] = _load(file)
        if str(document["asyncapi"]).startswith("3."):
            count += len(document.get("operations") or {})
        else:
            for channel in (document.get("channels") or {}).values():
                channel = _within(document, channel)
                count += sum(1 for verb in ("publish", "subscribe") if verb in channel)
    return count


def _operations_without_messages(files: list[Path]) -> set[str]:
    """v3 operations naming no message on a channel that holds none (`$.operations.X`)."""
    paths = set()
    for file in files:
        document: dict[str, Any] = _load(file)
        if not str(document["asyncapi"]).startswith("3."):
            continue
        for key, operation in (document.get("operations") or {}).items():
            channel = _within(document, operation.get("channel"))
            if not operation.get("messages") and not (channel or {}).get("messages"):
                paths.add(f"$.operations.{key}")
    return paths


def _within(document: dict[str, Any], node: Any) -> Any:
    """A channel written as `$ref: '#/components/channels/X'`: the item it names."""
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/"):
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


_RESULTS: dict[str, ImportResult] = {}


def _imported(case: str) -> ImportResult:
    if case not in _RESULTS:
        _RESULTS[case] = import_asyncapi([Spec.from_file(f) for f in CASES[case]])
    return _RESULTS[case]


@pytest.mark.parametrize("case", sorted(CASES))
def test_import_exits_0_and_every_source_operation_becomes_a_flow(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "imported.msgflow.json"
    assert main(["import", "asyncapi", *map(str, CASES[case]), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    design = io.load(out)
    result = _imported(case)
    assert len(result.operations) == _source_operations(CASES[case])
    flow_ids = {f.id for f in design.flows}
    # An operation that carries no message at all (no flow can be drawn of nothing) is
    # in the report, saying so; every other one becomes a flow.
    without_message = _operations_without_messages(CASES[case])
    notes = [str(n) for n in result.notes]
    for outcome in result.operations:
        if outcome.path in without_message:
            assert not outcome.flows
            assert f"{outcome.path}: the operation carries no message" in "\n".join(notes)
        else:
            assert outcome.flows, f"{outcome} became no flow"
        assert set(outcome.flows) <= flow_ids
        assert f"  {outcome}" in printed  # the report names it and its flows


@pytest.mark.parametrize("case", sorted(CASES))
def test_object_payloads_become_fields_or_the_report_says_why(case: str) -> None:
    result = _imported(case)
    notes = [str(n) for n in result.notes]
    expected = WITHOUT_FIELDS.get(case, {})
    empty = {m.id for m in result.design.messages if not m.fields and not m.one_of}
    assert empty == set(expected)
    for reason in expected.values():
        assert any(reason in n for n in notes)


# Payloads that are one of several objects (`oneOf`/`anyOf`), as the documents write them:
# message id -> (records, discriminator).
UNIONS: dict[str, dict[str, tuple[list[str], str | None]]] = {
    f"{version}/{name}": {"test-messages": (["ObjectWithKey", "ObjectWithKey2"], None)}
    for version, names in (
        ("spec-2.6", ("oneof", "anyof")),
        ("spec-3.0", ("oneof-asyncapi", "anyof-asyncapi")),
    )
    for name in names
} | {
    # `market` is heartbeat | update, each an allOf with `type: {const: ...}` required.
    f"{version}/{name}": {"market-data": (["Heartbeat", "Update"], "type")}
    for version, name in (
        ("spec-2.6", "websocket-gemini"),
        ("spec-3.0", "websocket-gemini-asyncapi"),
    )
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_union_payloads_become_unions_of_records(case: str) -> None:
    design = _imported(case).design
    unions = {m.id: (m.one_of, m.discriminator) for m in design.messages if m.one_of}
    assert unions == UNIONS.get(case, {})
    for records, _ in unions.values():
        assert all(design.record(name) is not None for name in records or [])


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_finds_no_error_caused_by_the_import(case: str) -> None:
    errors = [
        f"{d.rule}: {d.message}"
        for d in validate(_imported(case).design)
        if d.severity is Severity.ERROR
    ]
    assert errors == []


@pytest.mark.parametrize("broker", ["rabbitmq", "kafka"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_export_then_import_gives_the_same_design(case: str, broker: str) -> None:
    design = _imported(case).design
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "imported", "round trip")


@pytest.mark.slow
@pytest.mark.parametrize("version", ["spec-2.6", "spec-3.0", "public"])
def test_every_export_passes_the_official_parser(tmp_path: Path, version: str) -> None:
    # The system document of each import (the services' documents are views of the same
    # model, parsed in the exporter's own tests), one parser run per edition: the parser
    # takes seconds a document on a busy machine.
    files = []
    for case in sorted(c for c in CASES if c.startswith(f"{version}/")):
        document = export_asyncapi(_imported(case).design, "rabbitmq")[SYSTEM_FILE]
        file = tmp_path / f"{case.replace('/', '_')}.yaml"
        file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        files.append(file)
    assert asyncapi_errors(files) == []
