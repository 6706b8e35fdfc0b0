"""Small helpers shared by the rule families: naming items and collecting subjects."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Flow, Message
from .engine import Location, Subject
from .facts import Facts


def at_message(message_id: str, suffix: str = "") -> Location:
    return ("messages", message_id, suffix)


def at_flow(flow_id: str, suffix: str = "") -> Location:
    return ("flows", flow_id, suffix)


def at_node(node_id: str, suffix: str = "") -> Location:
    return ("nodes", node_id, suffix)


def subjects(
    *, nodes: Iterable[str] = (), messages: Iterable[str] = (), flows: Iterable[Flow] = ()
) -> tuple[Subject, ...]:
    """Subjects in a stable order: nodes, messages, flows, each without repeats."""
    out: list[Subject] = []
    for collection, ids in (
        ("nodes", nodes),
        ("messages", messages),
        ("flows", (f.id for f in flows)),
    ):
        seen: set[str] = set()
        for item_id in ids:
            if item_id not in seen:
                seen.add(item_id)
                out.append((collection, item_id))
    return tuple(out)


def flow_subjects(facts: Facts, flow: Flow) -> tuple[Subject, ...]:
    """A flow, its message, its cause and both ends (built directly: thousands per run)."""
    ends: tuple[Subject, ...] = (
        (("nodes", flow.source),)
        if flow.source == flow.target
        else (("nodes", flow.source), ("nodes", flow.target))
    )
    cause: tuple[Subject, ...] = (
        (("messages", flow.caused_by),) if flow.caused_by and flow.caused_by != flow.message else ()
    )
    return (*ends, ("messages", flow.message), *cause, ("flows", flow.id))


def names(facts: Facts, node_ids: Iterable[str]) -> str:
    """`Order Service, Billing Service` in file order."""
    return ", ".join(facts.node_name(n) for n in facts.sorted_node_ids(node_ids))


def describe_flow(facts: Facts, flow: Flow) -> str:
    """`OrderCreated from Order Service to Loyalty Service`"""
    return (
        f"{facts.message_name(flow.message)} from {facts.node_name(flow.source)} "
        f"to {facts.node_name(flow.target)}"
    )


def kind_word(message: Message) -> str:
    return message.kind.value.capitalize()
