"""E. State and causality: queries change nothing, events are not disguised commands."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import MessageKind, Severity
from .engine import Context, Report, rule
from .subjects import at_flow, at_message, describe_flow, flow_subjects, names, subjects

FAMILY = "causality"


@rule(
    "query-side-effect",
    Severity.ERROR,
    family=FAMILY,
    kinds=[MessageKind.COMMAND, MessageKind.EVENT],
    scope="flow",
    summary="Queries never change state: handling a query must not cause commands or events.",
    doc="A query may be retried, cached and answered by a replica; if answering it sends a "
    "command or publishes an event, reading changes the system. Source: CQRS (Young), MS CQRS.",
)
def query_side_effect(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    kind = facts.kind_of(flow.message)  # a command or an event (the rule's filter)
    if flow.caused_by is not None and facts.kind_of(flow.caused_by) is MessageKind.QUERY:
        query = facts.message_name(flow.caused_by)
        return (
            Report(
                message=(
                    f"Handling query {query} causes {kind.value if kind else ''} "
                    f"{describe_flow(facts, flow)}"
                ),
                hint=(
                    f"Keep {query} read-only: send {facts.message_name(flow.message)} from the "
                    f"command that should cause it, not from the query handler"
                ),
                subjects=flow_subjects(facts, flow),
                at=at_flow(flow_id, ".caused_by"),
            ),
        )
    return ()


@rule(
    "passive-aggressive-event",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    scope="message",
    summary="An event with one consumer that answers straight back to the publisher is a command in disguise.",
    doc="If the publisher expects that one subscriber to act and report back, it is really "
    "giving an order: make it a command, so the dependency is visible. "
    "Source: FOWLER, Dudycz (passive-aggressive events).",
)
def passive_aggressive_event(ctx: Context, message_id: str) -> Iterable[Report]:
    facts = ctx.facts
    event = facts.messages[message_id]
    caused = facts.flows_caused_by.get(message_id)
    delivered = facts.flows_of_message.get(message_id)
    if not caused or not delivered:
        return ()
    sources = {f.source for f in delivered.values()}
    targets = {f.target for f in delivered.values()}
    if len(sources) != 1 or len(targets) != 1:
        return ()
    publisher, consumer = next(iter(sources)), next(iter(targets))
    answers = [
        f for f in facts.caused_by(message_id) if f.source == consumer and f.target == publisher
    ]
    if not answers or publisher == consumer:
        return ()
    flows = facts.flows_of(message_id)
    answer = answers[0]
    return (
        Report(
            message=(
                f"Event {event.name} goes from {facts.node_name(publisher)} only to "
                f"{facts.node_name(consumer)}, which answers straight back with "
                f"{facts.message_name(answer.message)}"
            ),
            hint=(
                f"If {facts.node_name(publisher)} needs {facts.node_name(consumer)} to act, send it a "
                f"command instead of {event.name}; if not, don't route the reaction back"
            ),
            subjects=subjects(
                nodes=[publisher, consumer],
                messages=[message_id, answer.message],
                flows=[*flows, *answers],
            ),
            at=at_message(message_id),
        ),
    )
    return ()


@rule(
    "command-without-outcome",
    Severity.INFO,
    family=FAMILY,
    kinds=[MessageKind.COMMAND],
    scope="message",
    summary="A handled command usually announces what happened with an event.",
    doc="A command triggers one or more events; a command that causes nothing leaves the "
    "rest of the system unaware of the change. Source: SEED.",
)
def command_without_outcome(ctx: Context, message_id: str) -> Iterable[Report]:
    facts = ctx.facts
    command = facts.messages[message_id]
    flows = facts.flows_of_message.get(message_id)
    if not flows or facts.flows_caused_by.get(message_id):
        return ()
    handlers = {f.target for f in flows.values()}
    return (
        Report(
            message=f"Command {command.name} causes nothing: no flow has caused_by {command.id}",
            hint=(
                f"Draw the event {names(facts, handlers)} publishes after handling {command.name} "
                f"(caused_by: {command.id}), e.g. a topic flow of a past-tense event"
            ),
            subjects=subjects(nodes=facts.sorted_node_ids(handlers), messages=[message_id]),
            at=at_message(message_id),
        ),
    )
    return ()
