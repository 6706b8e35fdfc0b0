"""A. Kind and cardinality: who owns a command, a query, an event."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import MessageKind, Severity
from .engine import Context, Report, rule
from .subjects import at_flow, at_message, describe_flow, names, subjects

FAMILY = "kinds"


def _owners_report(
    ctx: Context, message_id: str, kind: MessageKind, *, by_target: bool
) -> Iterable[Report]:
    facts = ctx.facts
    message = facts.messages[message_id]  # of `kind`: the engine filters by kind
    delivered = facts.flows_of_message.get(message_id, {}).values()
    ends = {f.target for f in delivered} if by_target else {f.source for f in delivered}
    if message.owner is not None:
        ends.add(message.owner)
    if len(ends) < 2:
        return ()
    flows = facts.sorted_flows(delivered)
    owner_note = (
        f" (its declared owner is {facts.node_name(message.owner)})"
        if message.owner is not None
        else ""
    )
    return (
        Report(
            message=(
                f"{kind.value.capitalize()} {message.name} is "
                f"{'handled' if kind is MessageKind.COMMAND else 'answered' if kind is MessageKind.QUERY else 'published'}"
                f" by {len(ends)} services: {names(facts, ends)}{owner_note}"
            ),
            hint=_owners_hint(
                message.name, kind, facts.node_name(message.owner) if message.owner else None
            ),
            subjects=subjects(
                nodes=facts.sorted_node_ids(ends), messages=[message_id], flows=flows
            ),
            at=at_message(message_id),
        ),
    )
    return ()


def _owners_hint(name: str, kind: MessageKind, owner: str | None) -> str:
    keep = f"{owner}" if owner else "one service"
    if kind is MessageKind.COMMAND:
        return (
            f"Send {name} only to {keep}, its logical owner; if several services must react, "
            f"let the owner publish an event they subscribe to"
        )
    if kind is MessageKind.QUERY:
        return (
            f"Let {keep} answer {name}; if asking several responders is intended, "
            f"mark the query scatter_gather"
        )
    return (
        f"Let {keep} publish {name}; other services that announce the same fact "
        f"should publish their own event (e.g. one per service)"
    )


@rule(
    "command-one-handler",
    Severity.ERROR,
    family=FAMILY,
    kinds=[MessageKind.COMMAND],
    scope="message",
    summary="A command has exactly one handling service (its logical owner).",
    doc="A command tells one service to do something; two handlers mean two owners of one "
    "decision, and none means nobody acts. NServiceBus and Axon refuse both at runtime "
    "(Axon: NoHandlerForCommandException). Source: NSB, AX.",
)
def command_one_handler(ctx: Context, message_id: str) -> Iterator[Report]:
    yield from _owners_report(ctx, message_id, MessageKind.COMMAND, by_target=True)
    facts = ctx.facts
    message = facts.messages[message_id]
    handled_as_cause = facts.caused_by(message_id)
    if message.owner is None and not facts.flows_of_message.get(message_id) and handled_as_cause:
        yield Report(
            message=(
                f"Command {message.name} is handled by no service: no flow delivers it, "
                f"yet {names(facts, {f.source for f in handled_as_cause})} reacts to it"
            ),
            hint=f"Draw the flow that sends {message.name} to the service that handles it",
            subjects=subjects(messages=[message_id], flows=handled_as_cause),
            at=at_message(message_id),
        )


@rule(
    "event-one-publisher",
    Severity.ERROR,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    scope="message",
    summary="An event is published by exactly one service.",
    doc="An event states a fact owned by the one service that decided it; several "
    "publishers of one event make it impossible to know who is responsible for it. "
    'Source: NSB ("one logical owner").',
)
def event_one_publisher(ctx: Context, message_id: str) -> Iterator[Report]:
    yield from _owners_report(ctx, message_id, MessageKind.EVENT, by_target=False)


@rule(
    "query-one-responder",
    Severity.ERROR,
    family=FAMILY,
    kinds=[MessageKind.QUERY],
    scope="message",
    summary="A query is answered by exactly one service (unless marked scatter-gather).",
    doc="A request expects one answer; several responders race, and the requester keeps "
    "whichever comes first. Scatter-gather on purpose is allowed with `scatter_gather`. "
    "Source: MT, AX.",
)
def query_one_responder(ctx: Context, message_id: str) -> Iterator[Report]:
    if not ctx.facts.messages[message_id].scatter_gather:
        yield from _owners_report(ctx, message_id, MessageKind.QUERY, by_target=True)


@rule(
    "event-unconsumed",
    Severity.INFO,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    scope="message",
    summary="An event nobody subscribes to is fine but worth knowing.",
    doc="Publishing without subscribers is legal and common (future consumers), but it may "
    "also be a forgotten subscription. Source: MS (no subscribers is legal).",
)
def event_unconsumed(ctx: Context, message_id: str) -> Iterable[Report]:
    facts = ctx.facts
    message = facts.messages[message_id]
    if message.owner is not None and not facts.flows_of_message.get(message_id):
        return (
            Report(
                message=f"Event {message.name} of {facts.node_name(message.owner)} has no subscriber",
                hint=f"Draw a topic flow from {facts.node_name(message.owner)} to the services that react "
                f"to {message.name}, or leave it for future subscribers",
                subjects=subjects(nodes=[message.owner], messages=[message_id]),
                at=at_message(message_id),
            ),
        )
    return ()


@rule(
    "message-unused",
    Severity.WARNING,
    family=FAMILY,
    scope="message",
    summary="A message defined but in no flow and with no owner is dead weight.",
    doc="Nobody sends it, nobody handles it: either a flow is missing or the message can go.",
)
def message_unused(ctx: Context, message_id: str) -> Iterable[Report]:
    facts = ctx.facts
    message = facts.messages[message_id]
    if (
        message.owner is None
        and not facts.flows_of_message.get(message_id)
        and not facts.flows_caused_by.get(message_id)
    ):
        return (
            Report(
                message=f"{message.kind.value.capitalize()} {message.name} is in no flow and has no owner",
                hint=f"Draw a flow that carries {message.name}, give it an owner, or delete it",
                subjects=subjects(messages=[message_id]),
                at=at_message(message_id),
            ),
        )
    return ()


@rule(
    "actor-publishes-event",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    scope="flow",
    summary="Actors outside the boundary send commands/queries in; events are ours to publish.",
    doc="An actor (browser, partner) asks the system to do something; stating facts about "
    "the system is the job of the service that owns them. Source: SEED (boundaries).",
)
def actor_publishes_event(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    if facts.is_actor(flow.source):  # the flow carries an event (the rule's filter)
        name = facts.message_name(flow.message)
        return (
            Report(
                message=f"Actor {facts.node_name(flow.source)} publishes event {describe_flow(facts, flow)}",
                hint=(
                    f"Let {facts.node_name(flow.source)} send a command to {facts.node_name(flow.target)} "
                    f"instead, and have that service publish {name}"
                ),
                subjects=subjects(
                    nodes=[flow.source, flow.target], messages=[flow.message], flows=[flow]
                ),
                at=at_flow(flow_id),
            ),
        )
    return ()
