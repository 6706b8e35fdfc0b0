"""Mermaid export: golden output for the shop, and every diagram parses with Mermaid itself."""

from __future__ import annotations

from designer.core.exporters.mermaid import diagrams, export_markdown, flowchart, sequence
from designer.core.model import Design
from designer.core.synthetic import synthetic_design
from tests.core.exporters.hostile import hostile_design
from tests.support.golden import check_golden
from tests.support.node_tools import mermaid_parse


def test_shop_markdown_matches_the_golden_file(shop: Design) -> None:
    check_golden("shop.mermaid.md", export_markdown(shop))


def test_every_diagram_parses_with_the_real_mermaid_parser(shop: Design) -> None:
    exported = diagrams(shop) + diagrams(hostile_design()) + diagrams(synthetic_design(30, seed=5))
    results = mermaid_parse([d.text for d in exported])
    failures = [(d.slug, r["error"]) for d, r in zip(exported, results, strict=True) if not r["ok"]]
    assert failures == []
    assert {r["type"] for r in results} == {"flowchart-v2", "sequence"}


def test_the_checker_does_reject_broken_diagrams() -> None:
    # Guards the check above: a parser that accepted anything would prove nothing.
    results = mermaid_parse(['flowchart LR\n  a -->|"x"| b[', "sequenceDiagram\n  a-)"])
    assert [r["ok"] for r in results] == [False, False]


def test_arrow_styles_say_the_kind_and_labels_the_transport(shop: Design) -> None:
    text = flowchart(shop)
    assert 'n_web -->|"SubmitOrder · http"| n_orders' in text  # command: solid
    assert 'n_orders -.->|"GetCustomer · queue"| n_customers' in text  # query: dashed
    assert 'n_orders ==>|"OrderCreated · topic"| n_shipping' in text  # event: thick


def test_sequence_follows_caused_by_with_async_sync_and_reply_arrows(shop: Design) -> None:
    text = sequence(shop, shop.flow("f1"))
    lines = [line.strip() for line in text.splitlines()]
    assert "n_web->>n_orders: SubmitOrder (http)" in lines  # sync
    assert "n_orders-)n_loyalty: AddLoyaltyPoints (queue)" in lines  # async
    assert "n_loyalty-)n_notifications: LoyaltyPointsAdded (topic)" in lines  # two levels down
    assert "n_customers-->>n_orders: GetCustomer reply (orders.replies)" in lines  # reply
    # The chain is in causal order: the loyalty event follows the command that caused it.
    assert lines.index("n_orders-)n_loyalty: AddLoyaltyPoints (queue)") < lines.index(
        "n_loyalty-)n_notifications: LoyaltyPointsAdded (topic)"
    )


def test_one_sequence_per_entry_point(shop: Design) -> None:
    titles = [d.title for d in diagrams(shop)[1:]]
    assert titles == ["SubmitOrder from Web Frontend", "GetOrderHistory from Web Frontend"]


def test_a_causal_chain_longer_than_the_recursion_limit_is_drawn_in_order() -> None:
    # s0 -> s1 -> ... each event caused by the previous one: one story 3,000 steps long.
    length = 3000
    nodes = [{"id": f"s{i}", "name": f"S{i}"} for i in range(length + 1)]
    messages = [{"id": f"e{i}", "name": f"Step{i}", "kind": "event"} for i in range(length)]
    flows = [
        {
            "id": f"f{i}",
            "message": f"e{i}",
            "from": f"s{i}",
            "to": f"s{i + 1}",
            "transport": "topic",
            **({"caused_by": f"e{i - 1}"} if i else {}),
        }
        for i in range(length)
    ]
    design = Design.model_validate({"nodes": nodes, "messages": messages, "flows": flows})
    text = sequence(design, design.flows[0])
    steps = [line for line in text.splitlines() if "-)" in line]
    assert len(steps) == length
    assert steps[0].endswith("Step0 (topic)") and steps[-1].endswith(f"Step{length - 1} (topic)")
