"""Messages built only from msgflow's exported AsyncAPI documents, as an integrator would.

Nothing here knows the generated code or the naming convention: the channel address, its
bindings and the payload come from the document of the receiving service.
"""

from __future__ import annotations

import uuid
from typing import Any

from designer.core.exporters.asyncapi import export_asyncapi
from designer.core.model import Design


def _deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def received_message(
    design: Design, broker: str, service: str, message: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(channel, message object) of the operation by which `service` receives `message`."""
    documents = export_asyncapi(design, broker)
    document = documents[f"services/{service}.asyncapi.yaml"]
    for operation in document["operations"].values():
        if operation["action"] != "receive":
            continue
        channel = _deref(document, operation["channel"])
        for ref in operation["messages"]:
            found = _deref(document, ref)
            if found.get("name") == message:
                return channel, found
    raise AssertionError(f"{service} receives no {message} in its AsyncAPI document")


def example(schema: dict[str, Any]) -> Any:
    """A valid value of a JSON schema (the subset msgflow exports)."""
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(sub) for name, sub in properties.items()}
    if kind == "array":
        return [example(schema.get("items", {}))]
    if kind == "integer":
        return 7
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("format") == "date-time":
        return "2026-01-02T03:04:05Z"
    return "text"
