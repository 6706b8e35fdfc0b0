"""`faststream docs gen` on a generated service agrees with msgflow's own AsyncAPI export.

Each generated service has a module-level `app` (FastStream's own tools find it); what
FastStream documents of it must be what msgflow publishes as the service's contract:
the same title, the same broker channels in the same direction, the same payloads.
RabbitMQ only: the matching below reads AMQP bindings (routing keys, queue names).
"""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import unquote

import pytest
import yaml

from designer.cli import main
from designer.resources import examples_dir
from tests.support.generated_project import run_in

SHOP = examples_dir() / "shop.msgflow.json"
SERVICES = ["customers", "loyalty", "notifications", "orders", "shipping"]


def _follow(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        pointer = unquote(str(node["$ref"])).removeprefix("#/")
        target: Any = document
        for part in pointer.split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _types(document: dict[str, Any], schema: Any) -> set[str]:
    """The JSON types a schema allows (pydantic writes a Decimal as `anyOf: number, string`)."""
    schema = _follow(document, schema)
    if "anyOf" in schema:
        return {t for option in schema["anyOf"] for t in _types(document, option)}
    return {str(schema.get("type", "object"))}


def _shape(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """What a payload schema says of its fields: names, JSON types and which are required."""
    schema = _follow(document, schema)
    properties = {
        name: _types(document, value) for name, value in (schema.get("properties") or {}).items()
    }
    return {"properties": properties, "required": sorted(schema.get("required") or [])}


def _agrees(ours: dict[str, Any], theirs: dict[str, Any] | None) -> bool:
    """Same fields, same required ones, and each of our types one that theirs allows."""
    if theirs is None or set(ours["properties"]) != set(theirs["properties"]):
        return False
    return ours["required"] == theirs["required"] and all(
        ours["properties"][name] <= theirs["properties"][name] for name in ours["properties"]
    )


def _msgflow_operations(document: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(action, address) -> payload shapes, for every broker operation of msgflow's export."""
    result: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for operation in document.get("operations", {}).values():
        channel = _follow(document, operation["channel"])
        if channel.get("x-msgflow-transport") == "http" or not channel.get("address"):
            continue
        shapes = [_shape(document, _follow(document, m)["payload"]) for m in operation["messages"]]
        result[(operation["action"], channel["address"])] = shapes
    return result


def _faststream_operations(
    document: dict[str, Any],
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(action, routing key or queue; Redis: stream) -> payload shapes, from `faststream
    docs gen`."""
    result: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for operation in document.get("operations", {}).values():
        channel = _follow(document, operation["channel"])
        keys = set(operation.get("bindings", {}).get("amqp", {}).get("cc", []))
        queue = channel.get("bindings", {}).get("amqp", {}).get("queue", {}).get("name")
        keys |= {queue} if queue else set()
        stream = channel.get("bindings", {}).get("redis", {})
        keys |= {stream["channel"]} if stream.get("method") in {"xadd", "xreadgroup"} else set()
        shapes = [_shape(document, _follow(document, m)["payload"]) for m in operation["messages"]]
        for key in keys:
            result[(operation["action"], key)] = shapes
    return result


@pytest.fixture(scope="module", params=["rabbitmq", "redis"])
def documents(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, tuple[dict[str, Any], Any]]:
    """Per service: (faststream docs gen's document, msgflow's export of the service), on
    RabbitMQ and on Redis (whose services write entries past FastStream's publishers,
    which must still be the ones documented)."""
    out = tmp_path_factory.mktemp("docs") / "shop"
    broker = ["--broker", request.param]
    assert main(["generate", str(SHOP), "-o", str(out), "--target", "python", *broker]) == 0
    assert main(["generate", str(SHOP), "-o", str(out), "--target", "asyncapi", *broker]) == 0
    result = {}
    for package in SERVICES:
        target = out / f"{package}.asyncapi.json"
        command = [sys.executable, "-m", "faststream", "docs", "gen", f"{package}.app:app"]
        run = run_in(out, [*command, "--out", str(target)], timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        exported = out / "asyncapi" / "services" / f"{package}.asyncapi.yaml"
        result[package] = (
            json.loads(target.read_text(encoding="utf-8")),
            yaml.safe_load(exported.read_text(encoding="utf-8")),
        )
    return result


@pytest.mark.slow
@pytest.mark.parametrize("package", SERVICES)
def test_docs_gen_has_the_services_title_and_every_channel_of_msgflows_export(
    documents: dict[str, tuple[dict[str, Any], Any]], package: str
) -> None:
    faststream, msgflow = documents[package]
    assert faststream["info"]["title"] == msgflow["info"]["title"]
    theirs = _faststream_operations(faststream)
    ours = _msgflow_operations(msgflow)
    assert set(ours) <= set(theirs), f"missing in faststream docs gen: {set(ours) - set(theirs)}"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("package", "action"),
    [
        # Who receives and who sends over the broker in the shop (orders receives over http).
        *(
            (package, "receive")
            for package in ["customers", "loyalty", "notifications", "shipping"]
        ),
        *((package, "send") for package in ["loyalty", "orders"]),
    ],
)
def test_docs_gen_payloads_match_msgflows_export(
    documents: dict[str, tuple[dict[str, Any], Any]], package: str, action: str
) -> None:
    faststream, msgflow = documents[package]
    theirs = _faststream_operations(faststream)
    ours = {key: shapes for key, shapes in _msgflow_operations(msgflow).items() if key[0] == action}
    assert ours, f"{package} has {action} operations to compare"
    for key, shapes in ours.items():
        found = theirs.get(key) or []
        assert len(found) == len(shapes) and all(map(_agrees, shapes, found)), (
            f"{key}: msgflow exports {shapes}, faststream documents {found}"
        )
