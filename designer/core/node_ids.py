"""Changing a node's id: the one edit that renames things on the broker.

A node's id names its queues, subjects, streams, consumer groups and generated package,
so it is kept stable on purpose (renaming a card changes its name, not its id). Before a
design has been saved or generated an id may still follow the name; afterwards a change
is an explicit step that first shows what it renames on the broker (`broker_changes`).
"""

from __future__ import annotations

from dataclasses import fields

from .channels import ChannelNames, slug
from .commands import Command, _Edit
from .errors import EditError
from .model import Design, Flow


def node_id_problem(design: Design, old: str, new: str) -> str | None:
    """Why `new` cannot replace the id `old` (None when it can)."""
    if not new:
        return "an id cannot be empty"
    if new != slug(new):
        return (
            f"'{new}' cannot name queues and packages: use lower-case letters, digits and "
            f"'-' (e.g. '{slug(new)}')"
        )
    if new != old:
        taken = design.node(new)
        if taken is not None:
            return f"'{new}' is already the id of {taken.name}"
    return None


def _renamed(design: Design, old: str, new: str) -> Design:
    """A copy of `design` in which node `old` is called `new` everywhere."""
    data = design.model_dump(by_alias=True)
    for node in data["nodes"]:
        if node["id"] == old:
            node["id"] = new
    for message in data["messages"]:
        if message.get("owner") == old:
            message["owner"] = new
    for flow in data["flows"]:
        for end in ("from", "to"):
            if flow[end] == old:
                flow[end] = new
        if flow.get("reply") == f"{old}.replies":  # the default reply queue follows
            flow["reply"] = f"{new}.replies"
    positions = (data.get("layout") or {}).get("nodes") or {}
    if old in positions:
        positions[new] = positions.pop(old)
    return Design.model_validate(data)


def broker_changes(design: Design, old: str, new: str) -> list[tuple[str, str]]:
    """Every broker name (queue, subject, stream, topic, group, route...) that changes
    when node `old` is called `new`: (before, after) pairs, each once, in flow order."""
    if node_id_problem(design, old, new) is not None or old == new:
        return []
    before, after = ChannelNames(design), ChannelNames(_renamed(design, old, new))
    changes: list[tuple[str, str]] = []
    touching = [f for f in design.flows if old in (f.source, f.target)]
    for flow in touching:
        was, now = before.channel(flow), after.channel(_with_ends(flow, old, new))
        for name in (f.name for f in fields(was)):
            a, b = getattr(was, name), getattr(now, name)
            if isinstance(a, str) and a != b and (a, str(b)) not in changes:
                changes.append((a, str(b)))
    return changes


def _with_ends(flow: Flow, old: str, new: str) -> Flow:
    update = {
        "source": new if flow.source == old else flow.source,
        "target": new if flow.target == old else flow.target,
    }
    if flow.reply == f"{old}.replies":
        update["reply"] = f"{new}.replies"
    return flow.model_copy(update=update)


class ChangeNodeId(Command):
    """Give node `old` the id `new`: its arrows, the messages it owns, its default reply
    queues and its position follow, in one undo step."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new = old, new
        self.text = f"Rename id {old} to {new}"

    def perform(self, edit: _Edit) -> None:
        doc = edit.doc
        problem = node_id_problem(doc.design, self.old, self.new)
        if problem is not None:
            raise EditError(problem)
        if self.old == self.new:
            return
        node = doc.node(self.old)
        point = doc.design.layout.nodes.get(self.old)
        edit.insert("nodes", node.model_copy(update={"id": self.new}))
        for flow in [f for f in doc.design.flows if self.old in (f.source, f.target)]:
            edit.replace("flows", _with_ends(flow, self.old, self.new))
        for message in [m for m in doc.design.messages if m.owner == self.old]:
            edit.replace("messages", message.model_copy(update={"owner": self.new}))
        if point is not None:
            edit.position(self.new, point)
            edit.position(self.old, None)
        edit.remove("nodes", self.old)
