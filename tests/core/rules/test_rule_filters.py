"""A rule's `kinds`/`transports` filter is applied by the engine, once, for every rule.

Rule bodies no longer re-check their filter, so a rule run outside it would report
nonsense (an event rule on a command, an http rule on a queue). Every kind over every
transport, between services and from an actor, shows where each filtered rule fires.
"""

from __future__ import annotations

from designer.core.model import MessageKind, Transport
from designer.core.rules import REGISTRY
from designer.core.rules.engine import Engine

from .builders import design

KIND_NAMES = {"command": "SubmitOrder", "query": "GetOrder", "event": "OrderSubmitted"}


def _every_kind_over_every_transport() -> Engine:
    messages = {}
    flows = []
    for kind in MessageKind:
        for transport in Transport:
            for source in ("orders", "web"):
                message_id = f"{kind.value}-{transport.value}-{source}"
                messages[message_id] = (KIND_NAMES[kind.value], kind.value, {"long_running": True})
                # Not idempotent, no reply, no timeout: every filtered rule has a reason to fire.
                extras = {"idempotent": False, "reply": None, "timeout_ms": None}
                flows.append((message_id, source, "billing", transport.value, extras))
    return Engine(design(messages=messages, flows=flows))


def test_filtered_rules_fire_only_on_the_kinds_and_transports_they_declare() -> None:
    engine = _every_kind_over_every_transport()
    facts = engine.facts
    fired: set[str] = set()
    for finding in engine.findings():
        rule = REGISTRY[finding.rule]
        collection, item_id, _ = finding.at
        if collection == "flows":
            flow = facts.flows[item_id]
            kind, transport = facts.kind_of(flow.message), flow.transport
        elif collection == "messages":
            kind, transport = facts.messages[item_id].kind, None
        else:
            continue
        if rule.kinds is not None:
            assert kind in rule.kinds, f"{rule.id} fired on a {kind} ({item_id})"
        if rule.transports is not None and transport is not None:
            assert transport in rule.transports, f"{rule.id} fired over {transport} ({item_id})"
        fired.add(rule.id)
    # The design gives the filtered rules something to say, so the check above is not empty.
    filtered = {r.id for r in REGISTRY.values() if r.transports is not None}
    assert len(fired & filtered) >= 5
