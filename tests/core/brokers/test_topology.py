"""The broker-neutral topology of the shop: what the configuration targets and `broker apply` declare."""

from __future__ import annotations

import pytest

from designer.core.model import Design, Flow, Message, MessageKind, Node, Transport
from designer.core.topology import build, build_amqp, build_jetstream


def test_events_fan_out_from_the_publishers_topic_exchange_to_one_queue_per_subscriber(
    shop: Design,
) -> None:
    amqp = build_amqp(shop)
    exchanges = {e.name: e.type for e in amqp.exchanges}
    assert exchanges["orders.events"] == "topic"
    bound = {(b.exchange, b.queue, b.routing_key) for b in amqp.bindings}
    assert ("orders.events", "shipping.order-created", "order-created") in bound
    assert ("orders.events", "notifications.order-created", "order-created") in bound


def test_commands_go_to_the_handlers_queue_on_the_direct_command_exchange(shop: Design) -> None:
    amqp = build_amqp(shop)
    assert {e.name: e.type for e in amqp.exchanges}["msgflow.commands"] == "direct"
    bound = {(b.exchange, b.queue, b.routing_key) for b in amqp.bindings}
    assert ("msgflow.commands", "loyalty.add-loyalty-points", "loyalty.add-loyalty-points") in bound
    queue = next(q for q in amqp.queues if q.name == "loyalty.add-loyalty-points")
    assert (queue.role, queue.consumer) == ("consume", "loyalty")


def test_every_consuming_queue_is_quorum_and_dead_letters_into_its_own_dlq(shop: Design) -> None:
    amqp = build_amqp(shop)
    queues = {q.name: q for q in amqp.queues}
    consuming = [q for q in amqp.queues if q.role == "consume"]
    assert len(consuming) == 5
    bound = {(b.exchange, b.queue, b.routing_key) for b in amqp.bindings}
    for queue in consuming:
        assert queue.durable
        assert queue.arguments["x-queue-type"] == "quorum"
        assert queue.arguments["x-dead-letter-exchange"] == "msgflow.dlx"
        assert queue.arguments["x-dead-letter-routing-key"] == queue.name
        assert queues[f"{queue.name}.dlq"].role == "dead-letter"
        assert ("msgflow.dlx", f"{queue.name}.dlq", queue.name) in bound


def test_an_async_query_needs_no_reply_queue_on_the_broker(shop: Design) -> None:
    # Each running requester declares its own exclusive, auto-deleted `orders.replies.<id>`:
    # a durable `orders.replies` would be shared by replicas (answers round-robin to the
    # wrong one) and, unused, would only collect what nobody reads.
    queues = {q.name: q for q in build_amqp(shop).queues}
    assert not [name for name in queues if "replies" in name]
    assert {q.role for q in queues.values()} == {"consume", "dead-letter", "retry"}
    assert "customers.get-customer" in queues  # the question's queue is still there


def test_http_flows_need_nothing_on_a_broker() -> None:
    design = Design(
        nodes=[Node(id="web", name="Web", kind="actor"), Node(id="a", name="A")],
        messages=[Message(id="do", name="Do", kind=MessageKind.COMMAND)],
        flows=[Flow(id="f1", message="do", source="web", target="a", transport=Transport.HTTP)],
    )
    topology = build(design)
    assert (
        topology.amqp.exchanges == ()
        and topology.amqp.queues == ()
        and topology.amqp.bindings == ()
    )
    assert topology.jetstream.streams == () and topology.topics == ()


def test_explicit_channel_on_a_flow_overrides_the_queue_name() -> None:
    design = Design(
        nodes=[Node(id="a", name="A"), Node(id="b", name="B")],
        messages=[Message(id="do", name="Do", kind=MessageKind.COMMAND)],
        flows=[
            Flow(
                id="f1",
                message="do",
                source="a",
                target="b",
                transport=Transport.QUEUE,
                channel="legacy.inbox",
            )
        ],
    )
    names = {q.name for q in build_amqp(design).queues}
    assert names == {"legacy.inbox", "legacy.inbox.dlq", "msgflow.retry"}


def test_two_senders_of_one_command_share_the_handlers_single_queue() -> None:
    design = Design(
        nodes=[Node(id="a", name="A"), Node(id="b", name="B"), Node(id="c", name="C")],
        messages=[Message(id="do", name="Do", kind=MessageKind.COMMAND)],
        flows=[
            Flow(id="f1", message="do", source="a", target="c", transport=Transport.QUEUE),
            Flow(id="f2", message="do", source="b", target="c", transport=Transport.QUEUE),
        ],
    )
    amqp = build_amqp(design)
    assert [q.name for q in amqp.queues] == ["c.do", "c.do.dlq", "msgflow.retry"]
    assert len(build_jetstream(design).consumers) == 1


def test_classic_queues_on_request_and_unknown_types_refused(shop: Design) -> None:
    assert {q.arguments["x-queue-type"] for q in build_amqp(shop, "classic").queues} == {"classic"}
    with pytest.raises(ValueError, match="queue type"):
        build_amqp(shop, "lazy")


def test_jetstream_streams_per_publisher_and_handler_and_queries_stay_out_of_streams(
    shop: Design,
) -> None:
    js = build_jetstream(shop)
    streams = {s.name: s for s in js.streams}
    assert streams["ORDERS_EVENTS"].retention == "limits"
    assert streams["ORDERS_EVENTS"].subjects == ("orders.evt.order-created",)
    assert streams["LOYALTY_COMMANDS"].retention == "workqueue"
    assert streams["LOYALTY_COMMANDS"].subjects == ("loyalty.cmd.add-loyalty-points",)
    # A stream capturing a request subject would answer the request with its publish ack.
    captured = {s for stream in js.streams for s in stream.subjects}
    assert js.request_subjects == ("customers.qry.get-customer",)
    assert not captured & set(js.request_subjects)
    # One durable per subscriber, each filtering a subject of its own stream.
    durables = {(c.stream, c.durable): c for c in js.consumers}
    assert set(durables) == {
        ("ORDERS_EVENTS", "shipping__order-created"),
        ("ORDERS_EVENTS", "notifications__order-created"),
        ("LOYALTY_EVENTS", "notifications__loyalty-points-added"),
        ("LOYALTY_COMMANDS", "loyalty__add-loyalty-points"),
    }
    for consumer in js.consumers:
        assert consumer.filter_subject in streams[consumer.stream].subjects


def test_every_service_with_durable_consumers_gets_a_dead_letter_stream(shop: Design) -> None:
    # Where the generated failure policy puts what it could not handle; declared by the
    # broker configuration, like RabbitMQ's `<queue>.dlq`, not by the services.
    js = build_jetstream(shop)
    dead = {s.name: s for s in js.streams if s.dead_letters}
    assert set(dead) == {
        "SHIPPING_DEAD_LETTERS",
        "NOTIFICATIONS_DEAD_LETTERS",
        "LOYALTY_DEAD_LETTERS",
    }
    assert dead["LOYALTY_DEAD_LETTERS"].subjects == ("loyalty.dead.>",)
    assert dead["LOYALTY_DEAD_LETTERS"].retention == "limits"
    # No durable consumer reads them: they are kept for a person to look at.
    assert not {c.stream for c in js.consumers} & set(dead)


def test_services_listed_are_the_services_that_use_a_broker(shop: Design) -> None:
    # `web` is an actor talking http only; every other node uses the broker.
    assert set(build(shop).services) == {
        "customers",
        "loyalty",
        "notifications",
        "orders",
        "shipping",
    }


def test_failed_messages_wait_in_one_retry_queue_that_hands_them_back(shop: Design) -> None:
    # Backoff without a consumer holding the message: a copy waits out its TTL in
    # msgflow.retry, then is dead-lettered to the default exchange with its own routing
    # key, the name of the queue it failed in.
    amqp = build_amqp(shop)
    retry = next(q for q in amqp.queues if q.name == "msgflow.retry")
    assert retry.role == "retry"
    assert dict(retry.arguments) == {"x-dead-letter-exchange": "", "x-queue-type": "classic"}
    assert ("msgflow.retry", "topic") in {(e.name, e.type) for e in amqp.exchanges}
    assert ("msgflow.retry", "msgflow.retry", "#") in {
        (b.exchange, b.queue, b.routing_key) for b in amqp.bindings
    }
