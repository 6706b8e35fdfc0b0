"""D. System boundary: sync calls between our services, slow commands from outside."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import MessageKind, Severity, Transport
from .engine import Context, Report, rule
from .subjects import at_flow, describe_flow, flow_subjects

FAMILY = "boundary"


@rule(
    "internal-sync-call",
    Severity.WARNING,
    family=FAMILY,
    transports=[Transport.HTTP],
    scope="flow",
    summary="Between our own services prefer async; sync calls couple availability.",
    doc="When one service calls another over http, it is down whenever the other is. "
    "Sources disagree for queries (Microsoft's drone-delivery reference uses them), "
    "hence a warning that can be suppressed per flow. Source: SEED, .NET guide, "
    "AWS Well-Architected REL04.",
)
def internal_sync_call(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    if facts.is_service(flow.source) and facts.is_service(flow.target):  # over http (filter)
        kind = facts.kind_of(flow.message)
        alternative = (
            "an async query with a reply queue, or a local copy kept up to date by events"
            if kind is MessageKind.QUERY
            else "a queue (commands) or a topic (events)"
        )
        return (
            Report(
                message=f"{describe_flow(facts, flow)} is a synchronous call between two services",
                hint=f"Use {alternative}; or suppress internal-sync-call on this flow with the reason",
                subjects=flow_subjects(facts, flow),
                at=at_flow(flow_id, ".transport"),
            ),
        )
    return ()


@rule(
    "boundary-long-running-command",
    Severity.INFO,
    family=FAMILY,
    kinds=[MessageKind.COMMAND],
    transports=[Transport.HTTP],
    scope="flow",
    summary="A slow command from an actor over http should use async request-reply (202 + status).",
    doc="A browser or partner holding an http request open for a long job times out; accept "
    "the command with 202 and a status URL instead. Source: MS Asynchronous Request-Reply.",
)
def boundary_long_running_command(ctx: Context, flow_id: str) -> Iterable[Report]:
    facts = ctx.facts
    flow = facts.flows[flow_id]
    message = facts.messages[flow.message]  # a command over http (the rule's filter)
    if message.long_running and facts.is_actor(flow.source):
        return (
            Report(
                message=f"Long-running command {describe_flow(facts, flow)} is sent over http",
                hint=(
                    f"Have {facts.node_name(flow.target)} answer 202 Accepted with a status URL "
                    f"(or a callback) and do the work asynchronously"
                ),
                subjects=flow_subjects(facts, flow),
                at=at_flow(flow_id),
            ),
        )
    return ()
