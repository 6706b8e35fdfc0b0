"""The channel-naming convention that code generation and broker configuration share."""

from __future__ import annotations

import re

from designer.core import io
from designer.core.channels import ChannelNames, slug
from designer.core.model import Design, Flow, Message, Node
from designer.resources import examples_dir


def _shop() -> ChannelNames:
    return ChannelNames(io.load(examples_dir() / "shop.msgflow.json"))


def test_command_goes_to_the_owners_queue() -> None:
    names = _shop()
    channel = names.channel(names.design.flow("f4"))  # type: ignore[arg-type]
    assert channel.queue == "loyalty.add-loyalty-points"
    assert channel.subject == "loyalty.cmd.add-loyalty-points"
    assert channel.stream == "LOYALTY_COMMANDS"


def test_event_goes_to_the_publishers_topic_with_a_queue_per_subscriber() -> None:
    names = _shop()
    shipping = names.channel(names.design.flow("f2"))  # type: ignore[arg-type]
    notifications = names.channel(names.design.flow("f3"))  # type: ignore[arg-type]
    assert shipping.exchange == notifications.exchange == "orders.events"
    assert shipping.routing_key == notifications.routing_key == "order-created"
    assert (shipping.queue, notifications.queue) == (
        "shipping.order-created",
        "notifications.order-created",
    )
    assert shipping.subject == notifications.subject == "orders.evt.order-created"
    assert shipping.durable != notifications.durable


def test_async_query_has_a_request_queue_and_the_requesters_reply_queue() -> None:
    names = _shop()
    channel = names.channel(names.design.flow("f6"))  # type: ignore[arg-type]
    assert channel.queue == "customers.get-customer"
    assert channel.reply == "orders.replies"


def test_http_flows_get_routes() -> None:
    names = _shop()
    assert names.channel(names.design.flow("f1")).http_path == "/commands/submit-order"  # type: ignore[arg-type]
    assert names.channel(names.design.flow("f5")).http_path == "/queries/get-order-history"  # type: ignore[arg-type]


def test_explicit_channel_overrides_the_convention() -> None:
    design = io.load(examples_dir() / "shop.msgflow.json")
    design.flows[3] = design.flows[3].model_copy(update={"channel": "legacy.loyalty.in"})
    channel = ChannelNames(design).channel(design.flows[3])
    assert channel.queue == channel.routing_key == "legacy.loyalty.in"


def test_names_are_safe_slugs_even_for_hostile_ids() -> None:
    for hostile in ["../../etc", "class", "名前", "Order Service", "ünïcode", "a.b*c>"]:
        assert re.fullmatch(r"[a-z0-9-]+", slug(hostile)), hostile
    assert slug("名前") != slug("別名")


def test_ids_that_slug_alike_get_stable_suffixes() -> None:
    design = Design(
        nodes=[Node(id="a.b", name="A"), Node(id="a-b", name="B"), Node(id="A B", name="C")]
    )
    names = ChannelNames(design)
    assert sorted(names.node_slugs.values()) == ["a-b", "a-b-2", "a-b-3"]
    assert ChannelNames(design).node_slugs == names.node_slugs


def test_point_to_point_event_never_shares_a_subject_with_the_targets_own_events() -> None:
    design = Design(
        nodes=[Node(id="a", name="A"), Node(id="b", name="B"), Node(id="c", name="C")],
        messages=[Message(id="m", name="ThingHappened", kind="event")],
        flows=[
            Flow.model_validate(
                {"id": "f1", "message": "m", "from": "a", "to": "b", "transport": "queue"}
            ),
            Flow.model_validate(
                {"id": "f2", "message": "m", "from": "b", "to": "c", "transport": "topic"}
            ),
        ],
    )
    names = ChannelNames(design)
    into_b, out_of_b = names.channel(design.flows[0]), names.channel(design.flows[1])
    assert into_b.subject != out_of_b.subject
    assert into_b.stream != out_of_b.stream
