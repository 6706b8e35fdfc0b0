"""Every rule of the catalogue: a design that triggers it, a near miss that must not, and
suppression (or, for settings rules, switching it off) silencing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from designer.core.document import Collection, Document
from designer.core.model import Design, RecordSchema, RuleSetting, Severity, Suppression
from designer.core.rules import REGISTRY, validate
from tests.support.edits import edit

from .builders import design

CMD = {"submit-order": ("SubmitOrder", "command")}


@dataclass
class Case:
    trigger: Design
    near_miss: Design
    suppress_on: tuple[Collection, str] | None  # (collection, id) carrying the suppression
    mentions: list[str] = field(default_factory=list)  # names the message must contain
    baseline: Design | None = None


def _cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    cases["command-one-handler"] = Case(
        design(
            CMD,
            [("submit-order", "web", "orders", "http"), ("submit-order", "web", "billing", "http")],
        ),
        design(CMD, [("submit-order", "web", "orders", "http")]),
        ("messages", "submit-order"),
        ["SubmitOrder", "Order Service", "Billing Service"],
    )
    ev = {"order-shipped": ("OrderShipped", "event")}
    cases["event-one-publisher"] = Case(
        design(
            ev,
            [
                ("order-shipped", "orders", "loyalty", "topic"),
                ("order-shipped", "billing", "loyalty", "topic"),
            ],
        ),
        design(
            ev,
            [
                ("order-shipped", "orders", "loyalty", "topic"),
                ("order-shipped", "orders", "billing", "topic"),
            ],
        ),
        ("messages", "order-shipped"),
        ["OrderShipped", "Order Service", "Billing Service"],
    )
    q = {"get-customer": ("GetCustomer", "query")}
    two_responders = [
        ("get-customer", "web", "orders", "http"),
        ("get-customer", "web", "customers", "http"),
    ]
    cases["query-one-responder"] = Case(
        design(q, two_responders),
        design(
            {"get-customer": ("GetCustomer", "query", {"scatter_gather": True})}, two_responders
        ),
        ("messages", "get-customer"),
        ["GetCustomer", "Customer Service", "Order Service"],
    )
    cases["event-unconsumed"] = Case(
        design({"order-shipped": ("OrderShipped", "event", {"owner": "orders"})}),
        design(
            {"order-shipped": ("OrderShipped", "event", {"owner": "orders"})},
            [("order-shipped", "orders", "loyalty", "topic")],
        ),
        ("messages", "order-shipped"),
        ["OrderShipped", "Order Service"],
    )
    cases["message-unused"] = Case(
        design(CMD),
        design({"submit-order": ("SubmitOrder", "command", {"owner": "orders"})}),
        ("messages", "submit-order"),
        ["SubmitOrder"],
    )
    cases["actor-publishes-event"] = Case(
        design(ev, [("order-shipped", "web", "orders", "topic")]),
        design(ev, [("order-shipped", "orders", "loyalty", "topic")]),
        ("flows", "f1"),
        ["Web Shop", "OrderShipped"],
    )
    cases["command-name-imperative"] = Case(
        design({"c": ("OrderSubmitted", "command")}, [("c", "web", "orders", "http")]),
        design({"c": ("SubmitOrder", "command")}, [("c", "web", "orders", "http")]),
        ("messages", "c"),
        ["OrderSubmitted", "SubmitOrder"],
    )
    cases["event-name-past-tense"] = Case(
        design({"e": ("SubmitOrder", "event")}, [("e", "orders", "loyalty", "topic")]),
        design({"e": ("OrderSubmitted", "event")}, [("e", "orders", "loyalty", "topic")]),
        ("messages", "e"),
        ["SubmitOrder", "OrderSubmitted"],
    )
    cases["query-name-question"] = Case(
        design({"q": ("CreateReport", "query")}, [("q", "web", "orders", "http")]),
        design({"q": ("GetReport", "query")}, [("q", "web", "orders", "http")]),
        ("messages", "q"),
        ["CreateReport", "GetReport"],
    )
    cases["name-conflict"] = Case(
        design(
            {
                "a": ("OrderSubmitted", "event", {"owner": "orders"}),
                "b": ("order_submitted", "event", {"owner": "orders"}),
            }
        ),
        design(
            {
                "a": ("OrderSubmitted", "event", {"owner": "orders"}),
                "b": ("OrderSubmittedV2", "event", {"owner": "orders"}),
            }
        ),
        ("messages", "b"),
        ["OrderSubmitted", "order_submitted"],
    )
    cases["event-must-be-async"] = Case(
        design(ev, [("order-shipped", "orders", "loyalty", "http")]),
        design(ev, [("order-shipped", "orders", "loyalty", "topic")]),
        ("flows", "f1"),
        ["OrderShipped", "Order Service", "Loyalty Service"],
    )
    cases["event-point-to-point"] = Case(
        design(ev, [("order-shipped", "orders", "loyalty", "queue")]),
        design(ev, [("order-shipped", "orders", "loyalty", "topic")]),
        ("flows", "f1"),
        ["OrderShipped"],
    )
    add = {"add-points": ("AddPoints", "command")}
    cases["command-on-topic"] = Case(
        design(add, [("add-points", "orders", "loyalty", "topic")]),
        design(add, [("add-points", "orders", "loyalty", "queue")]),
        ("flows", "f1"),
        ["AddPoints", "Loyalty Service"],
    )
    cases["async-query-needs-reply"] = Case(
        design(q, [("get-customer", "orders", "customers", "queue", {"reply": None})]),
        design(
            q, [("get-customer", "orders", "customers", "queue", {"reply": "/callbacks/customer"})]
        ),
        ("flows", "f1"),
        ["GetCustomer", "Order Service"],
    )
    cases["async-request-timeout"] = Case(
        design(q, [("get-customer", "orders", "customers", "topic", {"timeout_ms": None})]),
        design(q, [("get-customer", "orders", "customers", "topic")]),
        ("flows", "f1"),
        ["GetCustomer"],
    )
    cases["consumer-safety"] = Case(
        design(add, [("add-points", "orders", "loyalty", "queue", {"idempotent": False})]),
        design(
            add,
            [
                (
                    "add-points",
                    "orders",
                    "loyalty",
                    "queue",
                    {"idempotent": False, "dead_letter": True},
                )
            ],
        ),
        ("flows", "f1"),
        ["Loyalty Service", "AddPoints"],
    )
    cases["channel-name-invalid"] = Case(
        design(
            add, [("add-points", "orders", "loyalty", "queue", {"channel": "legacy orders-in"})]
        ),
        design(
            add, [("add-points", "orders", "loyalty", "queue", {"channel": "legacy.orders-in"})]
        ),
        ("flows", "f1"),
        ["AddPoints", "Order Service", "Loyalty Service", "a space", "legacy-orders-in"],
    )
    two = {**add, "redeem": ("RedeemPoints", "command")}

    def inbox(second: str) -> Design:
        return design(
            two,
            [
                ("add-points", "orders", "loyalty", "queue", {"channel": "loyalty.inbox"}),
                ("redeem", "orders", "loyalty", "queue", {"channel": second}),
            ],
        )

    cases["channel-shared"] = Case(
        inbox("loyalty.inbox"),
        inbox("loyalty.redeem"),
        ("flows", "f2"),
        ["Loyalty Service", "AddPoints", "RedeemPoints", "loyalty.inbox"],
    )
    cases["internal-sync-call"] = Case(
        design(add, [("add-points", "orders", "loyalty", "http")]),
        design(add, [("add-points", "web", "loyalty", "http")]),
        ("flows", "f1"),
        ["AddPoints", "Order Service", "Loyalty Service"],
    )
    slow = {"import": ("ImportCatalogue", "command", {"long_running": True})}
    cases["boundary-long-running-command"] = Case(
        design(slow, [("import", "partner", "orders", "http")]),
        design(slow, [("import", "partner", "orders", "queue")]),
        ("flows", "f1"),
        ["ImportCatalogue", "Partner"],
    )
    side = {**q, **add, **CMD}
    cases["query-side-effect"] = Case(
        design(
            side,
            [
                ("get-customer", "web", "orders", "http"),
                ("add-points", "orders", "loyalty", "queue", {"caused_by": "get-customer"}),
            ],
        ),
        design(
            side,
            [
                ("submit-order", "web", "orders", "http"),
                ("add-points", "orders", "loyalty", "queue", {"caused_by": "submit-order"}),
            ],
        ),
        ("flows", "f2"),
        ["GetCustomer", "AddPoints"],
    )
    pay = {"requested": ("PaymentRequested", "event"), "completed": ("PaymentCompleted", "event")}
    cases["passive-aggressive-event"] = Case(
        design(
            pay,
            [
                ("requested", "billing", "payments", "topic"),
                ("completed", "payments", "billing", "topic", {"caused_by": "requested"}),
            ],
        ),
        design(
            pay,
            [
                ("requested", "billing", "payments", "topic"),
                ("completed", "payments", "loyalty", "topic", {"caused_by": "requested"}),
            ],
        ),
        ("messages", "requested"),
        ["PaymentRequested", "Billing Service", "Payment Service", "PaymentCompleted"],
    )
    outcome = {**CMD, **ev}
    cases["command-without-outcome"] = Case(
        design(outcome, [("submit-order", "web", "orders", "http")]),
        design(
            outcome,
            [
                ("submit-order", "web", "orders", "http"),
                ("order-shipped", "orders", "loyalty", "topic", {"caused_by": "submit-order"}),
            ],
        ),
        ("messages", "submit-order"),
        ["SubmitOrder", "Order Service"],
    )
    calls = {"get-invoice": ("GetInvoice", "query"), "get-order": ("GetOrder", "query")}
    cases["sync-cycle"] = Case(
        design(
            calls,
            [
                ("get-invoice", "orders", "billing", "http"),
                ("get-order", "billing", "orders", "http"),
            ],
        ),
        design(
            calls,
            [
                ("get-invoice", "orders", "billing", "http"),
                ("get-order", "billing", "orders", "queue"),
            ],
        ),
        ("nodes", "orders"),
        ["Billing Service → Order Service → Billing Service"],
    )
    chain = {**CMD, "invoice": ("CreateInvoice", "command"), "charge": ("ChargeCard", "command")}
    cases["sync-chain-depth"] = Case(
        design(
            chain,
            [
                ("submit-order", "web", "orders", "http"),
                ("invoice", "orders", "billing", "http", {"caused_by": "submit-order"}),
                ("charge", "billing", "payments", "http", {"caused_by": "invoice"}),
            ],
        ),
        design(
            chain,
            [
                ("submit-order", "web", "orders", "http"),
                ("invoice", "orders", "billing", "http", {"caused_by": "submit-order"}),
                ("charge", "billing", "payments", "queue", {"caused_by": "invoice"}),
            ],
        ),
        ("flows", "f1"),
        ["Web Shop → Order Service → Billing Service → Payment Service"],
    )
    fan = {**CMD, "a": ("GetA", "query"), "b": ("GetB", "query"), "c": ("GetC", "query")}
    fan_flows: list[Any] = [
        ("submit-order", "web", "orders", "http"),
        ("a", "orders", "billing", "http", {"caused_by": "submit-order"}),
        ("b", "orders", "payments", "http", {"caused_by": "submit-order"}),
    ]
    cases["sync-fan-out"] = Case(
        design(
            fan, [*fan_flows, ("c", "orders", "customers", "http", {"caused_by": "submit-order"})]
        ),
        design(
            fan, [*fan_flows, ("c", "orders", "customers", "queue", {"caused_by": "submit-order"})]
        ),
        ("nodes", "orders"),
        ["SubmitOrder", "Order Service", "3 synchronous calls"],
    )
    chatty = [("a", "orders", "billing", "http"), ("b", "orders", "billing", "http")]
    cases["chatty-pair"] = Case(
        design(fan, [*chatty, ("c", "orders", "billing", "http")]),
        design(fan, [*chatty, ("c", "orders", "billing", "queue")]),
        ("nodes", "billing"),
        ["Order Service", "Billing Service", "GetA, GetB, GetC"],
    )
    cases["orphan-node"] = Case(
        design(
            add,
            [("add-points", "orders", "loyalty", "queue")],
            nodes={"orders": "service", "loyalty": "service", "legacy": "service"},
        ),
        design(
            add,
            [("add-points", "orders", "loyalty", "queue")],
            nodes={"orders": "service", "loyalty": "service"},
        ),
        ("nodes", "legacy"),
        ["Legacy"],
    )
    cases["payload-empty"] = Case(
        design({"c": ("SubmitOrder", "command", {"fields": []})}, [("c", "web", "orders", "http")]),
        design({"q": ("GetAllOrders", "query", {"fields": []})}, [("q", "web", "orders", "http")]),
        ("messages", "c"),
        ["SubmitOrder"],
    )
    total = [{"name": "id", "type": "uuid"}, {"name": "total", "type": "decimal"}]
    consumed: list[Any] = [("order-shipped", "orders", "loyalty", "topic")]
    cases["breaking-change"] = Case(
        design(ev, consumed),
        design({"order-shipped": ("OrderShipped", "event", {"version": 2})}, consumed),
        ("messages", "order-shipped"),
        ["OrderShipped", "total", "Loyalty Service"],
        baseline=design({"order-shipped": ("OrderShipped", "event", {"fields": total})}, consumed),
    )
    cases["unknown-rule-setting"] = Case(
        design(rules={"orphan-nodes": "off"}),
        design(rules={"orphan-node": "off"}),
        None,
        ["orphan-nodes"],
    )
    cases["invalid-rule-setting"] = Case(
        design(rules={"sync-chain-depth": {"threshold": "three"}}),
        design(rules={"sync-chain-depth": {"threshold": 4}}),
        None,
        ["sync-chain-depth", "three"],
    )
    cases["unknown-rule-suppression"] = Case(
        design(
            add,
            [
                (
                    "add-points",
                    "orders",
                    "loyalty",
                    "queue",
                    {"suppress": [{"rule": "consumer-safty", "reason": "x"}]},
                )
            ],
        ),
        design(
            add,
            [
                (
                    "add-points",
                    "orders",
                    "loyalty",
                    "queue",
                    {"suppress": [{"rule": "consumer-safety", "reason": "x"}]},
                )
            ],
        ),
        ("flows", "f1"),
        ["consumer-safty"],
    )
    placed = {"order-placed": ("OrderPlaced", "event")}
    cases["kafka-key-field-invalid"] = Case(
        design(
            placed,
            [
                (
                    "order-placed",
                    "orders",
                    "loyalty",
                    "topic",
                    {"dead_letter": True, "bindings": {"kafka": {"key_field": "order_id"}}},
                )
            ],
        ),
        design(
            placed,
            [
                (
                    "order-placed",
                    "orders",
                    "loyalty",
                    "topic",
                    {"dead_letter": True, "bindings": {"kafka": {"key_field": "id"}}},
                )
            ],
        ),
        ("flows", "f1"),
        ["OrderPlaced", "order_id"],
    )
    fanout = {"bindings": {"amqp": {"exchange_type": "fanout"}}, "dead_letter": True}
    cases["amqp-fanout-not-broadcast"] = Case(
        design(placed, [("order-placed", "orders", "loyalty", "queue", fanout)]),
        design(placed, [("order-placed", "orders", "loyalty", "topic", fanout)]),
        ("flows", "f1"),
        ["OrderPlaced", "queue"],
    )
    return cases


CASES = _cases()


def _fired(diagnostics: list[Any], rule: str) -> list[Any]:
    return [d for d in diagnostics if d.rule == rule]


def test_every_registered_rule_has_a_case() -> None:
    assert set(CASES) == set(REGISTRY)


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_triggers_with_a_message_naming_the_items_and_a_hint(rule_id: str) -> None:
    case = CASES[rule_id]
    found = _fired(validate(case.trigger, case.baseline), rule_id)
    assert found, f"{rule_id} did not fire"
    for text in case.mentions:
        assert any(text in f"{d.message} {d.hint}" for d in found), (
            text,
            [d.message for d in found],
        )
    for diagnostic in found:
        assert diagnostic.hint and diagnostic.hint != diagnostic.message
        assert diagnostic.path.startswith("$")


@pytest.mark.parametrize("rule_id", list(CASES))
def test_near_miss_does_not_trigger(rule_id: str) -> None:
    case = CASES[rule_id]
    assert not _fired(validate(case.near_miss, case.baseline), rule_id)


@pytest.mark.parametrize("rule_id", list(CASES))
def test_suppression_or_off_silences_the_rule(rule_id: str) -> None:
    case = CASES[rule_id]
    silenced = case.trigger.model_copy(deep=True)
    if case.suppress_on is None:
        _set_rule(silenced, rule_id, "off")
    else:
        collection, item_id = case.suppress_on
        _suppress(silenced, collection, item_id, Suppression(rule=rule_id, reason="accepted"))
    assert not _fired(validate(silenced, case.baseline), rule_id)


def test_command_on_topic_is_an_error_with_two_subscribers() -> None:
    add = {"add-points": ("AddPoints", "command")}
    one = design(add, [("add-points", "orders", "loyalty", "topic")])
    two = design(
        add,
        [
            ("add-points", "orders", "loyalty", "topic"),
            ("add-points", "orders", "billing", "topic"),
        ],
    )
    assert {d.severity for d in _fired(validate(one), "command-on-topic")} == {Severity.WARNING}
    assert {d.severity for d in _fired(validate(two), "command-on-topic")} == {Severity.ERROR}


def _set_rule(design: Design, rule_id: str, setting: RuleSetting) -> None:
    rules = {**design.settings.rules, rule_id: setting}
    design.settings = design.settings.model_copy(update={"rules": rules})


def _suppress(design: Design, collection: Collection, item_id: str, entry: Suppression) -> None:
    item = Document(design).get(collection, item_id)
    assert item is not None and not isinstance(item, RecordSchema)
    edit(design, collection, item_id, suppress=[*item.suppress, entry])


def test_settings_regrade_switch_off_and_set_thresholds() -> None:
    case = CASES["internal-sync-call"]
    regraded = case.trigger.model_copy(deep=True)
    _set_rule(regraded, "internal-sync-call", "error")
    assert {d.severity for d in _fired(validate(regraded), "internal-sync-call")} == {
        Severity.ERROR
    }
    _set_rule(regraded, "internal-sync-call", {"severity": "info"})
    assert {d.severity for d in _fired(validate(regraded), "internal-sync-call")} == {Severity.INFO}
    chain = CASES["sync-chain-depth"].trigger.model_copy(deep=True)
    _set_rule(chain, "sync-chain-depth", {"threshold": 4})
    assert not _fired(validate(chain), "sync-chain-depth")
    _set_rule(chain, "sync-chain-depth", {"threshold": 2, "severity": "error"})
    assert {d.severity for d in _fired(validate(chain), "sync-chain-depth")} == {Severity.ERROR}


def test_a_node_suppression_silences_the_rule_on_flows_involving_that_node() -> None:
    trigger = CASES["internal-sync-call"].trigger.model_copy(deep=True)
    _suppress(trigger, "nodes", "loyalty", Suppression(rule="internal-sync-call", reason="legacy"))
    assert not _fired(validate(trigger), "internal-sync-call")


def test_suppressing_one_rule_leaves_the_others() -> None:
    trigger = CASES["internal-sync-call"].trigger.model_copy(deep=True)
    _suppress(
        trigger, "flows", trigger.flows[0].id, Suppression(rule="internal-sync-call", reason="x")
    )
    assert _fired(validate(trigger), "command-without-outcome")


@pytest.mark.parametrize(
    ("channel", "transport", "problem"),
    [
        ("  ", "queue", "is empty"),
        ("orders\tin", "queue", "control character U+0009"),
        ("orders.*", "topic", "NATS wildcard '*'"),
        ("orders.>", "queue", "NATS wildcard '>'"),
        (".orders", "queue", "starts with a dot"),
        ("orders.", "topic", "ends with a dot"),
        ("orders..in", "queue", "'..'"),
        ("commandé.in", "queue", "non-ASCII character 'é'"),
        ("o" * 256, "queue", "256 bytes"),
        ("orders/in", "http", "must start with '/'"),
        ("/orders/add points", "http", "a space"),
        # Wildcards as whole words, which RabbitMQ's topic bindings (and NATS) read as
        # "any": a channel `#` subscribed its service to every event of the design.
        ("#", "topic", "has the word '#', RabbitMQ's topic wildcard"),
        ("orders.#", "queue", "has the word '#'"),
        ("*", "topic", "has the word '*', the NATS wildcard '*' and RabbitMQ's"),
        ("orders.*.created", "topic", "has the word '*'"),
        # Subjects NATS keeps: the server's (`$...`) and its clients' reply inboxes.
        ("_INBOX.x", "queue", "'_INBOX', the prefix NATS clients reserve"),
        ("$SYS.x", "topic", "'$SYS', a subject NATS reserves for the server"),
        ("$JS.API.x", "topic", "'$JS', a subject NATS reserves"),
        ("$KV.b.k", "queue", "'$KV', a subject NATS reserves"),
        # Each message names the broker that refuses the name.
        ("a!b", "queue", "contains '!', which RabbitMQ's client refuses"),
        ("o" * 256, "queue", "RabbitMQ takes at most 255"),
        # Kafka topics: letters, digits, '.', '_', '-', at most 249 characters; what else
        # RabbitMQ's client takes (a Kafka broker would refuse to create the topic).
        ("orders/in", "queue", "contains '/', which Kafka refuses in topic names"),
        ("orders#1.in", "topic", "contains '#', which Kafka refuses"),
        ("billing:invoices", "queue", "contains ':', which Kafka refuses"),
        ("a@b,c+d", "topic", "contains '@', which Kafka refuses"),
        ("o" * 250, "topic", "is 250 characters long (Kafka takes at most 249)"),
    ],
)
def test_channel_name_invalid_names_the_bad_part(
    channel: str, transport: str, problem: str
) -> None:
    add = {"add-points": ("AddPoints", "command")}
    found = _fired(
        validate(
            design(add, [("add-points", "orders", "loyalty", transport, {"channel": channel})])
        ),
        "channel-name-invalid",
    )
    assert len(found) == 1 and problem in found[0].message, [d.message for d in found]
    assert found[0].path == "$.flows[0].channel"


@pytest.mark.parametrize(
    ("channel", "transport"),
    [
        ("legacy.orders-in", "queue"),
        ("o" * 249, "topic"),
        ("/api/points", "http"),
        (None, "http"),
        # `_INBOX` or `$` later in a subject reserve nothing.
        ("orders._INBOX", "queue"),
        ("my_INBOX.x", "queue"),
    ],
)
def test_channel_name_invalid_accepts_usable_names(channel: str | None, transport: str) -> None:
    add = {"add-points": ("AddPoints", "command")}
    flows: list[Any] = [("add-points", "orders", "loyalty", transport, {"channel": channel})]
    assert not _fired(validate(design(add, flows)), "channel-name-invalid")
