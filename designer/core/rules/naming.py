"""B. Naming: commands tell, events tell what happened, queries ask; one name, one message."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Message, MessageKind, Node, Severity
from .engine import Context, Report, rule
from .facts import ItemCollection
from .name_reading import as_command_name, as_event_name, as_query_name, read_name
from .subjects import at_message, at_node, subjects

FAMILY = "naming"


@rule(
    "command-name-imperative",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.COMMAND],
    scope="message",
    summary="Commands are verb-noun, tell-style: `SubmitOrder`.",
    doc="A command asks one service to do something, so it reads as an order: verb + noun. "
    "A past participle (`OrderSubmitted`) makes it look like an event, a question verb "
    "(`GetOrder`) like a query. Source: NSB, MT.",
)
def command_name_imperative(ctx: Context, message_id: str) -> Iterator[Report]:
    message = ctx.facts.messages[message_id]
    reading = read_name(message.name)
    if reading.past is not None:
        better = as_command_name(message.name)
        example = f"'{better}'" if better else "verb + noun, e.g. 'SubmitOrder'"
        yield Report(
            message=(
                f"Command {message.name} reads like an event: it ends in the past "
                f"participle '{reading.past}'"
            ),
            hint=f"Name the command for what it asks: {example}; if it reports a fact, make it an event",
            subjects=subjects(messages=[message_id]),
            at=at_message(message_id, ".name"),
        )
    elif reading.asks:
        yield Report(
            message=f"Command {message.name} reads like a query: it starts with '{reading.verb}'",
            hint=(
                f"If {message.name} only reads data make it a query; if it changes state name "
                f"the change, e.g. 'Update{message.name[len(reading.verb or '') :]}'"
            ),
            subjects=subjects(messages=[message_id]),
            at=at_message(message_id, ".name"),
        )


@rule(
    "event-name-past-tense",
    Severity.WARNING,
    family=FAMILY,
    kinds=[MessageKind.EVENT],
    scope="message",
    summary="Events are noun + past tense: `OrderSubmitted`.",
    doc="An event records something that already happened, so its name ends in a past "
    "participle (regular `-ed` or irregular: `Sent`, `Paid`, `Built`). Source: NSB, MT.",
)
def event_name_past_tense(ctx: Context, message_id: str) -> Iterable[Report]:
    message = ctx.facts.messages[message_id]
    reading = read_name(message.name)
    if reading.past is not None:
        return ()
    better = as_event_name(message.name)
    if reading.verb is not None:
        text = (
            f"Event {message.name} reads like a command: it starts with the verb '{reading.verb}'"
        )
    else:
        text = f"Event {message.name} does not end in a past participle"
    example = (
        f"'{better}'" if better else f"e.g. '{message.name}Created' or '{message.name}Changed'"
    )
    return (
        Report(
            message=text,
            hint=f"Name the event for what happened, noun + past tense: {example}",
            subjects=subjects(messages=[message_id]),
            at=at_message(message_id, ".name"),
        ),
    )
    return ()


@rule(
    "query-name-question",
    Severity.INFO,
    family=FAMILY,
    kinds=[MessageKind.QUERY],
    scope="message",
    summary="Queries read as a question: `GetOrderHistory`, `FindCustomer`.",
    doc="A query never changes state; a name starting with Create/Update/Delete/Submit... "
    "suggests it does (or that it should be a command). Convention.",
)
def query_name_question(ctx: Context, message_id: str) -> Iterable[Report]:
    message = ctx.facts.messages[message_id]
    reading = read_name(message.name)
    if reading.mutates:
        return (
            Report(
                message=f"Query {message.name} starts with '{reading.verb}', a verb that changes state",
                hint=(
                    f"If it only reads, ask a question: '{as_query_name(message.name)}'; "
                    f"if it changes state, make {message.name} a command"
                ),
                subjects=subjects(messages=[message_id]),
                at=at_message(message_id, ".name"),
            ),
        )
    return ()


@rule(
    "name-conflict",
    Severity.ERROR,
    family=FAMILY,
    scope="name",
    summary="One name, one message: no two messages (or two nodes) share a normalised name.",
    doc="Brokers and frameworks match messages by type name, and generated code by class "
    "name: `OrderPlaced` and `order_placed` would collide. Source: MT (type-name matching).",
)
def name_conflict(ctx: Context, bucket: str) -> Iterator[Report]:
    facts = ctx.facts
    members = facts.names[bucket]
    if len(members) < 2:
        return
    collection: ItemCollection = "nodes" if bucket.startswith("n:") else "messages"
    ids = sorted(members, key=lambda i: facts.key(collection, i))
    items: list[Node | Message] = [members[i] for i in ids]
    spelled = ", ".join(f"'{item.name}' ({item.id})" for item in items)
    what = "nodes" if collection == "nodes" else "messages"
    for item in items[1:]:
        yield Report(
            message=f"{len(items)} {what} share the name {spelled}",
            hint=f"Rename {item.id} so that its name differs from '{items[0].name}' by more than case, '_' or '-'",
            subjects=(subjects(nodes=ids) if collection == "nodes" else subjects(messages=ids)),
            at=(
                at_node(item.id, ".name") if collection == "nodes" else at_message(item.id, ".name")
            ),
        )
