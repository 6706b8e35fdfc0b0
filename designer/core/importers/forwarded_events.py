"""Messages a service forwards: it receives one and sends the same message on, where the
other end is outside the imported documents (TransferGo's SNS -> SQS case study, the
AsyncAPI CLI's Kafka fixture, a Spring Cloud Stream supplier and consumer of one message).

The end outside is the actor `external`, which the import drew because no document names
it; counted as a second publisher of an event (or handler of a command) it would make
`event-one-publisher` (`command-one-handler`) an error the source never states. That rule
is suppressed on the message, with the reason written in the design (and one report
line), so a reader sees what was decided and why. Two services of the design publishing
one event, or handling one command, are still an error.
"""

from __future__ import annotations

from designer.core.model import Flow, MessageKind, Suppression

from .import_state import EXTERNAL_ACTOR, MessageSeen

RULES = {MessageKind.EVENT: "event-one-publisher", MessageKind.COMMAND: "command-one-handler"}


def forwarded_messages(
    messages: list[MessageSeen], flows: list[Flow], names: dict[str, str]
) -> dict[str, Suppression]:
    """Message id -> the suppression it takes, for each message one service forwards."""
    found: dict[str, Suppression] = {}
    for message in messages:
        rule = RULES.get(message.kind) if message.kind is not None else None
        if rule is None or message.from_msgflow:
            continue  # msgflow's own exports carry their suppressions themselves
        carried = [f for f in flows if f.message == message.id]
        event = message.kind is MessageKind.EVENT
        owners = {f.source if event else f.target for f in carried}
        services = owners - {EXTERNAL_ACTOR}
        if EXTERNAL_ACTOR not in owners or len(services) != 1:
            continue
        service = next(iter(services))
        receives = any(f.target == service for f in carried)
        sends = any(f.source == service for f in carried)
        if not (receives and sends):
            continue
        found[message.id] = Suppression(
            rule=rule,
            reason=(
                f"imported: {names.get(service, service)} forwards the {message.name} it "
                f"receives; the other {'publisher' if event else 'handler'} is the actor "
                "'external', drawn for what the imported documents do not name"
            ),
        )
    return found
