"""F. Structure: sync cycles, chains and fan-outs, chatty pairs, orphans, empty payloads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..model import Flow, MessageKind, Severity
from .engine import Context, Report, rule
from .facts import Facts
from .subjects import at_flow, at_message, at_node, subjects
from .sync_graph import longest_chains, sync_cycles

FAMILY = "structure"


_LONGEST_ROUTE = 12  # names shown in a cycle or chain before the middle is elided


def _route(facts: Facts, node_ids: list[str]) -> str:
    if len(node_ids) > _LONGEST_ROUTE:
        hidden = len(node_ids) - _LONGEST_ROUTE + 2
        shown = [*node_ids[:5], f"… {hidden} more …", *node_ids[-5:]]
        return " → ".join(facts.node_name(n) if not n.startswith("… ") else n for n in shown)
    return " → ".join(facts.node_name(n) for n in node_ids)


def _route_of_messages(facts: Facts, message_ids: list[str]) -> str:
    names = [facts.message_name(m) for m in message_ids]
    if len(names) > _LONGEST_ROUTE:
        names = [*names[:5], f"… {len(names) - 10} more …", *names[-5:]]
    return " → ".join(names)


@rule(
    "sync-cycle",
    Severity.ERROR,
    family=FAMILY,
    scope="sync",
    summary="No cycle of synchronous calls between services.",
    doc="Services calling each other in a circle over http wait on each other: one slow "
    "call stalls the whole loop and a deploy of any of them breaks all (a distributed "
    "monolith).",
)
def sync_cycle(ctx: Context, _unit: str) -> Iterator[Report]:
    facts = ctx.facts
    for nodes, flows in sync_cycles(facts):
        route = _route(facts, [*nodes, nodes[0]])
        yield Report(
            message=f"Synchronous call cycle: {route}",
            hint=(
                f"Break the cycle: make one of these calls asynchronous (e.g. "
                f"{facts.message_name(flows[-1].message)} over a queue or as an event)"
            ),
            subjects=subjects(nodes=nodes, messages=[f.message for f in flows], flows=flows),
            at=at_flow(min(flows, key=lambda f: facts.key("flows", f.id)).id),
        )


@rule(
    "sync-chain-depth",
    Severity.WARNING,
    family=FAMILY,
    scope="sync",
    threshold=3,
    summary="Chains of ≥3 synchronous hops add latency and failure.",
    doc="Every synchronous hop adds its latency and its failure rate to the caller's. "
    "The threshold (hops) is a setting, default 3. Source: MS interservice communication.",
)
def sync_chain_depth(ctx: Context, _unit: str) -> Iterator[Report]:
    facts = ctx.facts
    limit = ctx.threshold("sync-chain-depth")
    for chain in longest_chains(facts, limit):
        nodes = [chain[0].source, *(f.target for f in chain)]
        messages = _route_of_messages(facts, [f.message for f in chain])
        yield Report(
            message=f"Synchronous chain of {len(chain)} hops: {_route(facts, nodes)} ({messages})",
            hint=(
                f"Keep chains under {limit} hops: make a hop asynchronous or let "
                f"{facts.node_name(chain[0].target)} keep the data it needs locally (fed by events)"
            ),
            subjects=subjects(nodes=nodes, messages=[f.message for f in chain], flows=chain),
            at=at_flow(chain[0].id),
        )


@rule(
    "sync-fan-out",
    Severity.WARNING,
    family=FAMILY,
    scope="message",
    threshold=3,
    summary="One request fanning out to ≥3 synchronous calls.",
    doc="A handler making many synchronous calls for one request is as available as the "
    "product of its dependencies. The threshold is a setting, default 3. Source: .NET guide.",
)
def sync_fan_out(ctx: Context, message_id: str) -> Iterator[Report]:
    facts = ctx.facts
    if not facts.flows_caused_by.get(message_id):
        return
    limit = ctx.threshold("sync-fan-out")
    by_source: defaultdict[str, list[Flow]] = defaultdict(list)
    for flow in facts.caused_by(message_id):
        if not flow.is_async:
            by_source[flow.source].append(flow)
    for source in facts.sorted_node_ids(by_source):
        calls = by_source[source]
        if len(calls) < limit:
            continue
        called = ", ".join(facts.node_name(f.target) for f in calls)
        yield Report(
            message=(
                f"Handling {facts.message_name(message_id)}, {facts.node_name(source)} makes "
                f"{len(calls)} synchronous calls ({called})"
            ),
            hint="Make some of these calls asynchronous, or keep the data they fetch locally (fed by events)",
            subjects=subjects(
                nodes=[source, *(f.target for f in calls)],
                messages=[message_id, *(f.message for f in calls)],
                flows=calls,
            ),
            at=at_flow(calls[0].id),
        )


@rule(
    "chatty-pair",
    Severity.WARNING,
    family=FAMILY,
    scope="pair",
    threshold=3,
    summary="Two services exchanging ≥3 message types synchronously, or calling each other both ways, may belong together.",
    doc="Services that constantly talk synchronously share a boundary in all but name. "
    "The threshold (message types) is a setting, default 3. Source: MS microservice boundaries.",
)
def chatty_pair(ctx: Context, pair: str) -> Iterable[Report]:
    facts = ctx.facts
    between = facts.flows_of_pair[pair].values()
    if not any(f.id in facts.http_flows for f in between):
        return ()
    flows = [f for f in facts.sorted_flows(between) if not f.is_async]
    a, b = flows[0].source, flows[0].target
    if a == b or not (facts.is_service(a) and facts.is_service(b)):
        return ()
    types = sorted({f.message for f in flows}, key=lambda m: facts.key("messages", m))
    both_ways = {f.source for f in flows} == {a, b}
    if len(types) < ctx.threshold("chatty-pair") and not both_ways:
        return ()
    a, b = facts.sorted_node_ids([a, b])
    what = (
        "call each other synchronously both ways"
        if both_ways
        else f"exchange {len(types)} message types synchronously"
    )
    return (
        Report(
            message=(
                f"{facts.node_name(a)} and {facts.node_name(b)} {what} "
                f"({', '.join(facts.message_name(m) for m in types)})"
            ),
            hint=(
                f"Consider merging {facts.node_name(a)} and {facts.node_name(b)}, or decouple them "
                f"with events and local copies of the data"
            ),
            subjects=subjects(nodes=[a, b], messages=types, flows=flows),
            at=at_flow(flows[0].id),
        ),
    )
    return ()


@rule(
    "orphan-node",
    Severity.WARNING,
    family=FAMILY,
    scope="node",
    summary="A node with no flows.",
    doc="A service or actor that sends and receives nothing is either unfinished or obsolete.",
)
def orphan_node(ctx: Context, node_id: str) -> Iterable[Report]:
    facts = ctx.facts
    if not facts.flows_of_node.get(node_id):
        node = facts.nodes[node_id]
        return (
            Report(
                message=f"{node.kind.value.capitalize()} {node.name} has no flows",
                hint=f"Connect {node.name} with a flow, or delete it",
                subjects=subjects(nodes=[node_id]),
                at=at_node(node_id),
            ),
        )
    return ()


@rule(
    "payload-empty",
    Severity.WARNING,
    family=FAMILY,
    scope="message",
    summary="A message with no fields is a contract nobody can check.",
    doc="Messages define data contracts; one without fields cannot be validated, versioned "
    "or evolved. A query with no parameters but a response is fine. Source: NSB.",
)
def payload_empty(ctx: Context, message_id: str) -> Iterable[Report]:
    message = ctx.facts.messages[message_id]
    if message.fields or message.one_of:  # a union payload's fields are its records'
        return ()
    if message.kind is MessageKind.QUERY and message.response:
        return ()
    return (
        Report(
            message=f"{message.kind.value.capitalize()} {message.name} has no fields",
            hint=f"Add the fields {message.name} carries (at least the id of what it is about)",
            subjects=subjects(messages=[message_id]),
            at=at_message(message_id, ".fields"),
        ),
    )
    return ()
