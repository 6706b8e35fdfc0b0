"""One self-contained HTML page: diagram (pan, zoom, click to inspect), catalogue, validation.

Everything is inline (SVG, CSS, script, data): the file opens from a mail attachment or
a CI artefact with no network. Names from the design are escaped by Jinja's autoescape;
the data for the inspector travels as JSON inside a `<script type="application/json">`
block (`tojson` escapes `<`, so a name cannot close the script).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import jinja2

from designer.core.channels import ChannelNames
from designer.core.diagram_style import KIND_COLOURS
from designer.core.io import natural_key
from designer.core.model import Design, Flow, MessageField, NodeKind
from designer.resources import templates_dir

from .svg import render_svg


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "export" / "html")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _type_text(field: MessageField) -> str:
    """A field's type as a reader wants it: its values when it lists them
    (`"small" | "large"`), the tag of a discriminated union (`Card | Voucher, by method`)."""
    if field.enum is not None:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in field.enum)
    if field.discriminator:
        return f"{field.type}, by {field.discriminator}"
    return field.type


def _field(field: MessageField) -> dict[str, Any]:
    return {
        "name": field.name,
        "type": _type_text(field),
        "required": field.required,
        "description": field.description or "",
    }


def _diagnostics(design: Design) -> list[dict[str, Any]]:
    """The rule catalogue's findings (the rules engine is part of the package: a failure to
    import it fails the export instead of a page that silently shows no findings)."""
    from designer.core.rules import validate

    return [d.to_json() for d in validate(design)]


def page_data(design: Design) -> dict[str, Any]:
    """What the page shows, as plain data (also what the inspector script reads)."""
    names = ChannelNames(design)
    nodes = {n.id: n for n in design.nodes}
    messages = {m.id: m for m in design.messages}
    flows = sorted(design.flows, key=lambda f: natural_key(f.id))

    def where(flow: Flow) -> str:
        channel = names.channel(flow)
        return channel.http_path or channel.queue or channel.routing_key

    def link(flow: Flow, peer: str) -> dict[str, Any]:
        message = messages[flow.message]
        return {
            "flow": flow.id,
            "message": message.id,
            "name": message.name,
            "kind": message.kind.value,
            "peer": peer,
            "peer_name": nodes[peer].name,
            "transport": flow.transport.value,
            "channel": where(flow),
        }

    valid = [f for f in flows if f.message in messages and f.source in nodes and f.target in nodes]
    # Grouped once (in flow order), so the page costs the same per item at any size.
    sent_by: dict[str, list[Flow]] = defaultdict(list)
    received_by: dict[str, list[Flow]] = defaultdict(list)
    carrying: dict[str, list[Flow]] = defaultdict(list)
    for f in valid:
        sent_by[f.source].append(f)
        received_by[f.target].append(f)
        carrying[f.message].append(f)
    node_data = [
        {
            "id": n.id,
            "name": n.name,
            "kind": n.kind.value,
            "description": n.description or "",
            "boundary": n.boundary or "",
            "sends": [link(f, f.target) for f in sent_by[n.id]],
            "receives": [link(f, f.source) for f in received_by[n.id]],
        }
        for n in sorted(design.nodes, key=lambda n: natural_key(n.id))
    ]
    message_data = [
        {
            "id": m.id,
            "name": m.name,
            "kind": m.kind.value,
            "description": m.description or "",
            "owner": m.owner or "",
            "owner_name": nodes[m.owner].name if m.owner in nodes else "",
            "version": m.version,
            "fields": [_field(f) for f in m.fields],
            "one_of": (
                " | ".join(m.one_of) + (f", by {m.discriminator}" if m.discriminator else "")
            )
            if m.one_of
            else "",
            "response": None if m.response is None else [_field(f) for f in m.response],
            "response_one_of": (
                " | ".join(m.response_one_of)
                + (f", by {m.response_discriminator}" if m.response_discriminator else "")
            )
            if m.response_one_of
            else "",
            "producers": sorted({nodes[f.source].name for f in carrying[m.id]}),
            "consumers": sorted({nodes[f.target].name for f in carrying[m.id]}),
        }
        for m in sorted(design.messages, key=lambda m: natural_key(m.id))
    ]
    flow_data = [
        {
            "id": f.id,
            "message": f.message,
            "name": messages[f.message].name,
            "kind": messages[f.message].kind.value,
            "from": f.source,
            "from_name": nodes[f.source].name,
            "to": f.target,
            "to_name": nodes[f.target].name,
            "transport": f.transport.value,
            "channel": where(f),
            "caused_by": f.caused_by or "",
            "reply": names.reply_queue(f) or "",
            "timeout_ms": f.timeout_ms,
            "idempotent": f.idempotent,
        }
        for f in valid
    ]
    return {
        "name": design.name,
        "description": design.description or "",
        "nodes": node_data,
        "messages": message_data,
        "flows": flow_data,
        "records": [
            {
                "name": s.name,
                "description": s.description or "",
                "fields": [_field(f) for f in s.fields],
            }
            for s in sorted(design.schemas, key=lambda s: natural_key(s.name))
        ],
        "diagnostics": _diagnostics(design),
    }


def export_html(design: Design) -> str:
    data = page_data(design)
    diagnostics = data["diagnostics"]
    counts = {
        s: sum(1 for d in diagnostics if d["severity"] == s) for s in ("error", "warning", "info")
    }
    template = _environment().get_template("page.html.j2")
    return template.render(
        data=data,
        svg=render_svg(design),
        counts=counts,
        services=[n for n in data["nodes"] if n["kind"] == NodeKind.SERVICE.value],
        actors=[n for n in data["nodes"] if n["kind"] == NodeKind.ACTOR.value],
        colours={k.value: v for k, v in KIND_COLOURS.items()},
    )
