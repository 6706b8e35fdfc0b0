"""Events a service forwards: it receives one from outside the imported documents and
sends the same event on (TransferGo's SNS -> SQS case study, the AsyncAPI CLI's Kafka
fixture). The sender on the way in is the actor `external`, which the import drew because
no document names it; counted as a second publisher it would make `event-one-publisher`
an error the source never states. That rule is suppressed on the message, with the reason
written in the design (and one report line), so a reader sees what was decided and why;
two services of the design publishing one event are still an error.
"""

from __future__ import annotations

from designer.core.model import Flow, MessageKind, Suppression

from .import_state import EXTERNAL_ACTOR, MessageSeen

RULE = "event-one-publisher"


def forwarded_events(
    messages: list[MessageSeen], flows: list[Flow], names: dict[str, str]
) -> dict[str, Suppression]:
    """Message id -> the suppression it takes, for each event one service forwards."""
    found: dict[str, Suppression] = {}
    for message in messages:
        if message.kind is not MessageKind.EVENT or message.from_msgflow:
            continue  # msgflow's own exports carry their suppressions themselves
        senders = {f.source for f in flows if f.message == message.id}
        services = senders - {EXTERNAL_ACTOR}
        if EXTERNAL_ACTOR not in senders or len(services) != 1:
            continue
        service = names.get(next(iter(services)), next(iter(services)))
        found[message.id] = Suppression(
            rule=RULE,
            reason=(
                f"imported: {service} forwards the {message.name} it receives from outside "
                "the imported documents (drawn from the actor 'external')"
            ),
        )
    return found
