"""Mermaid: the topology as a flowchart and, per entry point, a sequence diagram.

Flowchart arrows by kind: a command is a solid blue arrow (`-->`), a query a dashed green
one (`-.->`), an event a thick orange one (`==>`); each label names the message and its
transport. Boundaries become subgraphs, actors get a stadium shape.

A sequence diagram starts at each command or query sent by an actor or with no
`caused_by` and follows the `caused_by` chain: asynchronous sends are `-)`, HTTP calls
`->>`, and query answers `-->>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from designer.core.diagram_style import KIND_COLOURS
from designer.core.io import natural_key
from designer.core.model import Design, Flow, Message, MessageKind, Node, NodeKind, Transport

from .file_names import file_name, file_names

_ARROWS = {MessageKind.COMMAND: "-->", MessageKind.QUERY: "-.->", MessageKind.EVENT: "==>"}
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class MermaidDiagram:
    title: str
    slug: str  # for file names: "topology", "sequence-submit-order"
    text: str


def _node_id(node_id: str) -> str:
    # A prefix keeps ids clear of Mermaid keywords (`end`, `graph`, `style`...).
    return "n_" + _UNSAFE_ID.sub("_", node_id)


_LABEL_ESCAPES = str.maketrans(
    {'"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;", ";": "#59;", "#": "#35;", "\n": " "}
)


def _label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes, as Mermaid documents them)."""
    return text.translate(_LABEL_ESCAPES)


def _seq_text(text: str) -> str:
    # Sequence-diagram messages end at a newline; `;` and `#` would start other syntax.
    return text.replace("\n", " ").replace(";", ",").replace("#", "")


def flowchart(design: Design) -> str:
    lines = ["flowchart LR"]
    nodes = sorted(design.nodes, key=lambda n: natural_key(n.id))
    boundaries: dict[str, list[str]] = {}
    for node in nodes:
        shape = (
            f'(["{_label(node.name)}"])'
            if node.kind is NodeKind.ACTOR
            else f'["{_label(node.name)}"]'
        )
        declaration = f"{_node_id(node.id)}{shape}"
        if node.boundary:
            boundaries.setdefault(node.boundary, []).append(declaration)
        else:
            lines.append(f"  {declaration}")
    for index, (boundary, members) in enumerate(sorted(boundaries.items())):
        lines.append(f'  subgraph b_{index}["{_label(boundary)}"]')
        lines.extend(f"    {m}" for m in members)
        lines.append("  end")
    messages = {m.id: m for m in design.messages}
    styles: list[str] = []
    link = 0
    for flow in sorted(design.flows, key=lambda f: natural_key(f.id)):
        message = messages.get(flow.message)
        if message is None:
            continue
        label = f"{message.name} · {flow.transport.value}"
        lines.append(
            f'  {_node_id(flow.source)} {_ARROWS[message.kind]}|"{_label(label)}"| {_node_id(flow.target)}'
        )
        styles.append(
            f"  linkStyle {link} stroke:{KIND_COLOURS[message.kind]},color:{KIND_COLOURS[message.kind]}"
        )
        link += 1
    lines.extend(styles)
    for node in nodes:
        if node.kind is NodeKind.ACTOR:
            lines.append(f"  style {_node_id(node.id)} fill:#f6f8fa,stroke:#57606a")
    return "\n".join(lines) + "\n"


def entry_flows(design: Design) -> list[Flow]:
    """Commands and queries where a story starts: sent by an actor, or caused by nothing."""
    messages = {m.id: m for m in design.messages}
    actors = {n.id for n in design.nodes if n.kind is NodeKind.ACTOR}
    entries = []
    for flow in sorted(design.flows, key=lambda f: natural_key(f.id)):
        message = messages.get(flow.message)
        if message is None or message.kind is MessageKind.EVENT:
            continue
        if flow.source in actors or flow.caused_by is None:
            entries.append(flow)
    return entries


@dataclass(frozen=True)
class _Index:
    """Look-ups every sequence diagram needs, built once per export (not once per diagram:
    that made the export grow with the square of the design)."""

    messages: dict[str, Message]
    nodes: dict[str, Node]
    caused: dict[tuple[str, str], list[Flow]]  # (receiver, cause message) -> flows it sends

    @classmethod
    def of(cls, design: Design) -> _Index:
        caused: dict[tuple[str, str], list[Flow]] = {}
        for flow in sorted(design.flows, key=lambda f: natural_key(f.id)):
            if flow.caused_by:
                caused.setdefault((flow.source, flow.caused_by), []).append(flow)
        return cls({m.id: m for m in design.messages}, {n.id: n for n in design.nodes}, caused)


def sequence(design: Design, entry: Flow, index: _Index | None = None) -> str:
    index = index or _Index.of(design)
    messages, nodes = index.messages, index.nodes
    steps: list[str] = []
    participants: dict[str, None] = {}  # insertion-ordered set
    seen: set[str] = set()
    # Depth-first over what each flow causes, with an explicit stack: a causal chain can
    # be thousands of flows long, beyond Python's recursion limit. A query's reply is
    # drawn after everything its request caused, hence the "reply" entries.
    stack: list[tuple[Flow, bool]] = [(entry, False)]
    while stack:
        flow, reply = stack.pop()
        message = messages[flow.message]
        if reply:
            via = (
                "HTTP response"
                if flow.transport is Transport.HTTP
                else (flow.reply or "reply queue")
            )
            steps.append(
                f"  {_node_id(flow.target)}-->>{_node_id(flow.source)}: {_seq_text(f'{message.name} reply ({via})')}"
            )
            continue
        if flow.id in seen:
            continue  # a caused_by cycle: draw each flow once
        seen.add(flow.id)
        participants.setdefault(flow.source)
        participants.setdefault(flow.target)
        arrow = "->>" if flow.transport is Transport.HTTP else "-)"
        text = f"{message.name} ({flow.transport.value})"
        steps.append(f"  {_node_id(flow.source)}{arrow}{_node_id(flow.target)}: {_seq_text(text)}")
        if message.kind is MessageKind.QUERY:
            stack.append((flow, True))
        children = index.caused.get((flow.target, flow.message), [])
        stack.extend((child, False) for child in reversed(children))
    lines = ["sequenceDiagram"]
    for node_id in participants:
        node = nodes.get(node_id)
        name = node.name if node else node_id
        keyword = "actor" if node is not None and node.kind is NodeKind.ACTOR else "participant"
        lines.append(f"  {keyword} {_node_id(node_id)} as {_seq_text(name)}")
    lines.extend(steps)
    return "\n".join(lines) + "\n"


def diagrams(design: Design) -> list[MermaidDiagram]:
    """The flowchart, then one sequence diagram per entry point."""
    result = [MermaidDiagram(f"{design.name}: topology", "topology", flowchart(design))]
    index = _Index.of(design)
    messages, nodes = index.messages, index.nodes
    entries = entry_flows(design)
    flow_names = file_names(f.id for f in entries)  # distinct even where case is ignored
    for flow in entries:
        message = messages[flow.message]
        source = nodes[flow.source].name if flow.source in nodes else flow.source
        result.append(
            MermaidDiagram(
                f"{message.name} from {source}",
                f"sequence-{file_name(flow.message)}-{flow_names[flow.id]}",
                sequence(design, flow, index),
            )
        )
    return result


def export_markdown(design: Design) -> str:
    """One Markdown page with every diagram in a ```mermaid block (GitHub renders it)."""
    parts = [f"# {design.name}\n"]
    if design.description:
        parts.append(f"{design.description}\n")
    parts.append(
        "Arrows: command solid blue, query dashed green, event thick orange; "
        "labels name the message and its transport.\n"
    )
    for index, diagram in enumerate(diagrams(design)):
        heading = "Topology" if index == 0 else diagram.title
        parts.append(f"## {heading}\n\n```mermaid\n{diagram.text}```\n")
    return "\n".join(parts)
