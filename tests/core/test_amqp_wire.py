"""The RabbitMQ tap's own AMQP reader: deliveries cut out of the byte stream exactly as
pamqp (an independent encoder) frames them, however the bytes are split."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pamqp import commands, frame, heartbeat
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from designer.taps.amqp_wire import AmqpError, AmqpWire, Delivery, Endpoint


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True


def message(
    exchange: str, key: str, body: bytes, frame_max: int = 131_072, **properties: object
) -> bytes:
    deliver = commands.Basic.Deliver(
        consumer_tag="ctag-1", delivery_tag=7, exchange=exchange, routing_key=key
    )
    header = ContentHeader(0, len(body), commands.Basic.Properties(**properties))  # type: ignore[arg-type]
    frames = [frame.marshal(deliver, 1), frame.marshal(header, 1)]
    for start in range(0, len(body), frame_max):
        frames.append(frame.marshal(ContentBody(body[start : start + frame_max]), 1))
    return b"".join(frames)


# What generated services send: string headers only (read without pamqp's decoder).
SERVICE_HEADERS = {
    "message_id": "m-2",
    "correlation_id": "c-2",
    "message_type": "OrderCreated",
    "empty": "",
    "naïve": "é" * 300,  # longer than a short string's 255 bytes
}


def stream() -> tuple[bytes, list[Delivery]]:
    big = bytes(range(256)) * 20  # 5,120 bytes in three body frames of 2,048
    data = b"".join(
        [
            message(
                "orders.events",
                "order-created",
                b'{"order_id": "1"}',
                headers={
                    "message_type": "OrderCreated",
                    "attempt": 2,
                    "x-raw": bytearray(b"\x00\xff"),
                },
                correlation_id="c-1",
                message_id="m-1",
                content_type="application/json",
                delivery_mode=2,
                priority=3,
                timestamp=datetime(2026, 12, 7, tzinfo=UTC),
                message_type="OrderCreated",
                app_id="orders",
                reply_to="orders.replies",
                expiration="60000",
                user_id="guest",
            ),
            frame.marshal(heartbeat.Heartbeat(), 0),
            message("", "orders.replies.instance-a", b"", correlation_id="c-1"),
            message("msgflow.commands", "shipping.ship-order", big, frame_max=2048),
            message("orders.events", "é-key", b"plain", app_id="naïve"),
            message("orders.events", "order-created", b"{}", headers=SERVICE_HEADERS),
        ]
    )
    expected = [
        Delivery(
            "orders.events",
            "order-created",
            {
                "content_type": "application/json",
                "headers": {
                    "message_type": "OrderCreated",
                    "attempt": 2,
                    "x-raw": bytearray(b"\x00\xff"),
                },
                "correlation_id": "c-1",
                "reply_to": "orders.replies",
                "message_id": "m-1",
                "type": "OrderCreated",
                "user_id": "guest",
                "app_id": "orders",
            },
            b'{"order_id": "1"}',
        ),
        Delivery("", "orders.replies.instance-a", {"correlation_id": "c-1"}, b""),
        Delivery("msgflow.commands", "shipping.ship-order", {}, big),
        Delivery("orders.events", "é-key", {"app_id": "naïve"}, b"plain"),
        Delivery("orders.events", "order-created", {"headers": SERVICE_HEADERS}, b"{}"),
    ]
    return data, expected


def receiving() -> tuple[AmqpWire, list[Delivery]]:
    wire = AmqpWire()
    wire.transport = Transport()
    got: list[Delivery] = []
    wire.on_delivery = got.append
    return wire, got


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 8, 13, 64, 1000, 100_000])
def test_deliveries_survive_any_split_of_the_stream(chunk: int) -> None:
    data, expected = stream()
    wire, got = receiving()
    for start in range(0, len(data), chunk):
        wire.data_received(data[start : start + chunk])
    assert got == expected
    assert not wire.buffer  # nothing left over, nothing half-read


def test_a_broken_frame_ends_the_connection_with_a_reason() -> None:
    async def run() -> None:
        data, _ = stream()
        wire, got = receiving()
        wire.closed = asyncio.get_running_loop().create_future()
        broken = bytearray(data)
        first_end = 7 + int.from_bytes(data[3:7], "big")
        assert broken[first_end] == 0xCE
        broken[first_end] = 0  # the first frame's end octet, damaged
        wire.data_received(bytes(broken))
        assert wire.transport is not None and wire.transport.is_closing()
        reason = wire.closed.result()
        assert isinstance(reason, AmqpError) and "malformed frame" in str(reason)
        assert got == []

    asyncio.run(run())


def test_a_channel_refusal_fails_only_what_waited_on_that_channel() -> None:
    async def run() -> None:
        wire, _ = receiving()
        wire.closed = asyncio.get_running_loop().create_future()
        waiting = asyncio.ensure_future(wire.bind(2, "tap", "missing", "#"))
        await asyncio.sleep(0)
        refusal = commands.Channel.Close(404, "NOT_FOUND - no exchange 'missing'", 50, 20)
        wire.data_received(frame.marshal(refusal, 2))
        with pytest.raises(AmqpError, match="NOT_FOUND"):
            await waiting
        assert not wire.closed.done()  # the connection itself lives on
        sent = [frame.unmarshal(b)[2] for b in wire.transport.written]  # type: ignore[union-attr]
        assert isinstance(sent[-1], commands.Channel.CloseOk)

    asyncio.run(run())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("amqp://guest:guest@127.0.0.1:5672/", ("127.0.0.1", 5672, "guest", "/", False)),
        ("amqp://u:p%40ss@host/my%2Fvhost", ("host", 5672, "u", "my/vhost", False)),
        ("amqps://host:5999/shop", ("host", 5999, "guest", "shop", True)),
        ("amqp://host", ("host", 5672, "guest", "/", False)),
    ],
)
def test_endpoint_from_url(url: str, expected: tuple[object, ...]) -> None:
    endpoint = Endpoint.from_url(url)
    assert (endpoint.host, endpoint.port, endpoint.user, endpoint.vhost, endpoint.tls) == expected
    if "p%40ss" in url:
        assert endpoint.password == "p@ss"


def test_a_broker_that_never_answers_is_a_timeout_not_a_hang(monkeypatch) -> None:
    import socket

    from designer.taps import rabbitmq
    from designer.taps.session import TapError

    monkeypatch.setattr(rabbitmq, "CONNECT_TIMEOUT_S", 0.5)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (backlog), never speaks
        port = silent.getsockname()[1]
        tap = rabbitmq.RabbitTap(None, f"amqp://guest:secret@127.0.0.1:{port}/")  # type: ignore[arg-type]
        with pytest.raises(TapError) as refused:
            asyncio.run(tap.open(lambda _record: None))
    assert (
        str(refused.value)
        == f"cannot connect to amqp://guest:***@127.0.0.1:{port}/: no answer within 0.5 s"
    )


def test_nothing_listening_is_cannot_connect() -> None:
    from designer.taps import rabbitmq
    from designer.taps.session import TapError

    tap = rabbitmq.RabbitTap(None, "amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
    with pytest.raises(TapError, match=r"^cannot connect to amqp://guest:\*\*\*@127.0.0.1:1/: "):
        asyncio.run(tap.open(lambda _record: None))


def test_a_truncated_deliver_method_ends_the_connection_cleanly() -> None:
    async def run() -> None:
        wire, got = receiving()
        wire.closed = asyncio.get_running_loop().create_future()
        # A Basic.Deliver whose arguments stop after the consumer tag's length octet.
        payload = bytes([0, 60, 0, 60, 200])
        wire.data_received(bytes([1, 0, 1]) + len(payload).to_bytes(4, "big") + payload + b"\xce")
        assert isinstance(wire.closed.result(), AmqpError) and got == []

    asyncio.run(run())


@given(
    st.dictionaries(
        st.text(max_size=20).filter(lambda k: len(k.encode()) < 256),
        st.one_of(st.text(max_size=300), st.integers(-(2**31), 2**31 - 1), st.booleans()),
        max_size=6,
    )
)
def test_headers_read_as_pamqp_reads_them(headers: dict[str, object]) -> None:
    """String-only tables are read in place, any other falls back to pamqp's decoder:
    either way the headers are what pamqp encoded."""
    wire, got = receiving()
    wire.data_received(message("x", "k", b"", headers=headers))
    assert got == [Delivery("x", "k", {"headers": headers}, b"")]
