"""An EventCatalog folder: services, commands, queries, events (and domains for boundaries).

Folders are named by the design's ids, not display names, so renaming a box does not
move a page (an id that is not a plain file name, such as `../x`, gets a slug and a hash).
Each message folder holds `index.mdx` (frontmatter `id`, `name`, `version`, `summary`,
`schemaPath`) and `schema.json` (JSON Schema of the payload, records inlined as `$defs`);
a query also has `response.schema.json`. Services list what they `sends` and `receives`.
Actors are not services in EventCatalog; they appear as producers on message pages.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from designer.core import yaml_text
from designer.core.channels import ChannelNames
from designer.core.io import natural_key
from designer.core.model import (
    Design,
    Flow,
    Message,
    MessageField,
    MessageKind,
    NodeKind,
    RecordSchema,
    enum_value_text,
)
from designer.core.unique_names import unique_name

from .file_names import file_names
from .json_schema import (
    object_schema,
    payload_records,
    payload_schema,
    record_names,
    response_records,
    response_schema,
)

_FOLDERS = {
    MessageKind.COMMAND: "commands",
    MessageKind.QUERY: "queries",
    MessageKind.EVENT: "events",
}
_SERVICE_VERSION = "1.0.0"


def message_version(message: Message) -> str:
    return f"{message.version}.0.0"


def _frontmatter(data: dict[str, Any]) -> str:
    return "---\n" + yaml_text.dump(data, width=1000) + "---\n"


def _mdx_text(text: str) -> str:
    # MDX reads `{`, `}` and `<` as code/markup: escape them in prose taken from the design.
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("<", "&lt;")


def _cell(text: str) -> str:
    return _mdx_text(text).replace("|", "\\|").replace("\n", " ")


def _payload_table(message: Message) -> str:
    if message.one_of:
        told = f" (told apart by `{_cell(message.discriminator)}`)" if message.discriminator else ""
        records = ", ".join(f"`{_cell(name)}`" for name in message.one_of)
        return f"One of the records {records}{told}.\n"
    return _fields_table(message.fields)


def _response_table(message: Message) -> str:
    if message.response_one_of:
        tag = message.response_discriminator
        told = f" (told apart by `{_cell(tag)}`)" if tag else ""
        records = ", ".join(f"`{_cell(name)}`" for name in message.response_one_of)
        return f"One of the records {records}{told}.\n"
    return _fields_table(message.response or [])


def _fields_table(fields: list[MessageField]) -> str:
    if not fields:
        return "_No fields._\n"
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for f in fields:
        about = [f.description or ""]
        if f.enum is not None:
            listed = ", ".join(enum_value_text(v) for v in f.enum)
            about.insert(0, f"values: {listed}" + (";" if f.description else ""))
        if f.discriminator:
            about.insert(0, f"told apart by {f.discriminator};")
        rows.append(
            f"| `{_cell(f.name)}` | `{_cell(f.type)}` | {'yes' if f.required else 'no'} | {_cell(' '.join(about).strip())} |"
        )
    return "\n".join(rows) + "\n"


def _schema_file(payload: dict[str, Any], names: list[str], records: list[RecordSchema]) -> str:
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    schema.update(payload)
    used = _records_reachable(names, records)
    if used:
        schema["$defs"] = {
            r.name: object_schema(r.fields, "#/$defs/", title=r.name, description=r.description)
            for r in used
        }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _records_reachable(names: list[str], records: list[RecordSchema]) -> list[RecordSchema]:
    by_name = {r.name: r for r in records}
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in by_name and name not in seen:
            seen.add(name)
            pending.extend(record_names([f.type for f in by_name[name].fields]))
    return [by_name[n] for n in sorted(seen)]


def export_eventcatalog(design: Design) -> dict[str, str]:
    """Relative path -> file text of a complete EventCatalog content folder."""
    files: dict[str, str] = {}
    nodes = {n.id: n for n in design.nodes}
    messages = {m.id: m for m in design.messages}
    names = ChannelNames(design)
    sends: dict[str, set[str]] = defaultdict(set)
    receives: dict[str, set[str]] = defaultdict(set)
    for flow in design.flows:
        if flow.message in messages:
            sends[flow.source].add(flow.message)
            receives[flow.target].add(flow.message)

    # Each message's flows in file order, grouped once (not by a scan per message).
    flows_of: dict[str, list[Flow]] = defaultdict(list)
    for flow in sorted(design.flows, key=lambda f: natural_key(f.id)):
        flows_of[flow.message].append(flow)

    services = file_names(n.id for n in design.nodes)
    folders = file_names(m.id for m in design.messages)
    for node in sorted(design.nodes, key=lambda n: natural_key(n.id)):
        if node.kind is not NodeKind.SERVICE:
            continue
        front: dict[str, Any] = {"id": node.id, "name": node.name, "version": _SERVICE_VERSION}
        if node.description:
            front["summary"] = node.description
        front["sends"] = [
            {"id": m, "version": message_version(messages[m])}
            for m in sorted(sends[node.id], key=natural_key)
        ]
        front["receives"] = [
            {"id": m, "version": message_version(messages[m])}
            for m in sorted(receives[node.id], key=natural_key)
        ]
        body = [f"## Overview\n\n{_mdx_text(node.description or node.name)}\n"]
        if node.boundary:
            body.append(f"Part of the **{_mdx_text(node.boundary)}** bounded context.\n")
        body.append("<NodeGraph />\n")
        files[f"services/{services[node.id]}/index.mdx"] = (
            _frontmatter(front) + "\n" + "\n".join(body)
        )

    for message in sorted(design.messages, key=lambda m: natural_key(m.id)):
        folder = f"{_FOLDERS[message.kind]}/{folders[message.id]}"
        front = {"id": message.id, "name": message.name, "version": message_version(message)}
        if message.description:
            front["summary"] = message.description
        front["schemaPath"] = "schema.json"
        body = [
            f"## Overview\n\n{_mdx_text(message.description or f'The {message.kind.value} {message.name}.')}\n"
        ]
        owner = nodes.get(message.owner or "")
        if owner is not None:
            role = {"command": "Handled by", "query": "Answered by", "event": "Published by"}[
                message.kind.value
            ]
            body.append(f"{role} **{_mdx_text(owner.name)}**.\n")
        body.append("## Fields\n\n" + _payload_table(message))
        if message.kind is MessageKind.QUERY:
            body.append("## Response\n\n" + _response_table(message))
            files[f"{folder}/response.schema.json"] = _schema_file(
                response_schema(message, "#/$defs/", title=f"{message.name} response"),
                response_records(message),
                design.schemas,
            )
        routes = ["| from | to | transport | channel |", "|---|---|---|---|"]
        for flow in flows_of.get(message.id, []):
            channel = names.channel(flow)
            where = channel.http_path or channel.queue or channel.routing_key
            source = nodes[flow.source].name + (
                " (actor)" if nodes[flow.source].kind is NodeKind.ACTOR else ""
            )
            routes.append(
                f"| {_cell(source)} | {_cell(nodes[flow.target].name)} | {flow.transport.value} | `{_cell(where)}` |"
            )
        if len(routes) > 2:
            body.append("## Producers and consumers\n\n" + "\n".join(routes) + "\n")
        body.append(
            '## Schema\n\n<SchemaViewer file="schema.json" title="Payload" maxHeight="500" />\n'
        )
        files[f"{folder}/index.mdx"] = _frontmatter(front) + "\n" + "\n".join(body)
        files[f"{folder}/schema.json"] = _schema_file(
            payload_schema(message, "#/$defs/", title=message.name),
            payload_records(message),
            design.schemas,
        )

    boundaries: dict[str, list[str]] = defaultdict(list)
    for node in design.nodes:
        if node.boundary and node.kind is NodeKind.SERVICE:
            boundaries[node.boundary].append(node.id)
    taken: set[str] = set()
    for boundary in sorted(boundaries):
        domain_id = _domain_id(boundary, taken)
        front = {
            "id": domain_id,
            "name": boundary,
            "version": _SERVICE_VERSION,
            "services": [
                {"id": s, "version": _SERVICE_VERSION}
                for s in sorted(boundaries[boundary], key=natural_key)
            ],
        }
        files[f"domains/{domain_id}/index.mdx"] = (
            _frontmatter(front)
            + f"\n## Overview\n\nThe {_mdx_text(boundary)} bounded context.\n\n<NodeGraph />\n"
        )
    return dict(sorted(files.items()))


def _domain_id(boundary: str, taken: set[str]) -> str:
    from designer.core.channels import slug

    candidate = unique_name(slug(boundary), taken)
    taken.add(candidate)
    return candidate
