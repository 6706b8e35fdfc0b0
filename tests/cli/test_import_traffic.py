"""`msgflow import traffic TRACE -o FILE`: a design proposed from traffic, every guess told."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.core.observe import TraceWriter
from tests.core.observe.traffic import envelope, loyalty_points, model, new_id, order_created


def write_trace(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        writer = TraceWriter(handle, "nats", 0.0)
        for i in range(3):
            writer.write(
                envelope(i, "nats", "orders.evt.order-created", "OrderCreated", order_created())
            )
        writer.write(
            model(
                3,
                "nats",
                "loyalty.cmd.add-loyalty-points",
                loyalty_points(),
                {"message_type": "AddLoyaltyPoints"},
            )
        )
        payload = loyalty_points()
        del payload["order_id"]  # missing once: optional
        writer.write(
            model(
                4,
                "nats",
                "loyalty.cmd.add-loyalty-points",
                payload,
                {"message_type": "AddLoyaltyPoints"},
            )
        )
        corr = new_id()
        writer.write(
            model(
                5,
                "nats",
                "customers.qry.get-customer",
                {"customer_id": new_id()},
                {
                    "message_type": "GetCustomer",
                    "correlation_id": corr,
                    "reply_to": "orders.replies",
                },
            )
        )
        writer.write(
            model(
                5.1,
                "nats",
                "orders.replies",
                {"customer_id": new_id(), "tier": "gold"},
                {"correlation_id": corr},
            )
        )
        writer.close(10.0)


def test_design_from_traffic_with_kinds_fields_and_guesses(tmp_path: Path, capsys) -> None:
    trace, out = tmp_path / "t.jsonl", tmp_path / "seen.msgflow.json"
    write_trace(trace)
    assert main(["import", "traffic", str(trace), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    design = io.load(out)
    kinds = {m.id: m.kind.value for m in design.messages}
    assert kinds == {
        "order-created": "event",
        "add-loyalty-points": "command",
        "get-customer": "query",
    }
    points = design.message("add-loyalty-points")
    assert [(f.name, f.type, f.required) for f in points.fields] == [
        ("customer_id", "uuid", True),
        ("order_id", "uuid", False),
        ("points", "integer", True),
    ]
    ask = design.message("get-customer")
    assert [(f.name, f.type) for f in ask.response] == [("customer_id", "uuid"), ("tier", "string")]
    ends = {(f.message, f.source, f.target, f.transport.value) for f in design.flows}
    assert ends == {
        ("order-created", "orders", "unknown-subscriber", "topic"),
        ("add-loyalty-points", "unknown-sender", "loyalty", "queue"),
        ("get-customer", "orders", "customers", "queue"),  # from reply_to orders.replies
    }
    assert set(design.layout.nodes) == {n.id for n in design.nodes}  # laid out, ready to open
    assert "guess(es) to check" in text
    assert "who receives it cannot be seen in traffic" in text
    assert "get-customer" in text and "query" in text


def test_bad_trace_or_output_over_the_trace_exit_2(tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"t": 1, "broker": "nats"}\n')
    assert main(["import", "traffic", str(trace), "-o", str(tmp_path / "o.json")]) == 2
    assert "t.jsonl:1: a record needs a 'channel'" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()
    write_trace(trace)
    before = trace.read_bytes()
    assert main(["import", "traffic", str(trace), "-o", str(trace)]) == 2
    assert trace.read_bytes() == before


def write_lights_trace(path: Path) -> None:
    """Streetlights naming their instance in the address, as a system without a design does."""
    with path.open("w", encoding="utf-8") as handle:
        writer = TraceWriter(handle, "nats", 0.0)
        time = 0.0
        for light in ("1", "2", "3", "17"):
            for subject, kind, body in (
                (f"lights.{light}.measured", "LightMeasured", {"lumens": 5}),
                (f"lights.{light}.turned-on", "TurnedOn", {"at": "2026-12-07T08:00:00Z"}),
            ):
                time += 1
                writer.write(model(time, "nats", subject, body, {"message_type": kind}))
        # Two rooms only: as likely two channels as one parameter, so not folded.
        for room in ("hall", "kitchen"):
            time += 1
            writer.write(model(time, "nats", f"rooms.{room}.dimmed", {"level": 3}, {"type": "Dim"}))
        # No declared type: the address names the message, so words stay messages...
        for what in ("created", "cancelled", "shipped"):
            time += 1
            writer.write(model(time, "nats", f"orders.{what}", {"order_id": new_id()}))
        # ... and ids in one place still fold.
        for door in ("d1", "d2", "d3"):
            time += 1
            writer.write(model(time, "nats", f"doors.{door}.opened", {"open": True}))
        writer.close(time + 1)


def test_addresses_differing_in_one_segment_fold_into_a_parameterised_channel(
    tmp_path: Path, capsys
) -> None:
    trace, out = tmp_path / "lights.jsonl", tmp_path / "lights.msgflow.json"
    write_lights_trace(trace)
    assert main(["import", "traffic", str(trace), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    design = io.load(out)
    channels = sorted(
        (f.message, f.channel or "", [(p.name, p.type) for p in f.parameters]) for f in design.flows
    )
    assert channels == [
        ("dim", "", []),  # two rooms only, hall and kitchen: two flows of one message
        ("dim", "", []),
        ("doors-opened", "doors.{doorsId}.opened", [("doorsId", "string")]),
        ("light-measured", "lights.{lightsId}.measured", [("lightsId", "integer")]),
        ("orders-cancelled", "", []),
        ("orders-created", "", []),
        ("orders-shipped", "", []),
        ("turned-on", "lights.{lightsId}.turned-on", [("lightsId", "integer")]),
    ]
    # One message per folded channel, its fields read from every address's payloads.
    measured = design.message("light-measured")
    assert measured is not None and [f.name for f in measured.fields] == ["lumens"]
    assert (
        "lights.{lightsId}.measured: 4 addresses folded into one channel, {lightsId} "
        "(integer) seen as 1, 2, 3, 17 (all LightMeasured)" in text
    )
    assert "doors.{doorsId}.opened: 3 addresses folded" in text
    assert "no declared type, ids in the address" in text
    # The proposal is a valid design: the parameters are declared whole segments.
    assert main(["validate", str(out)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["traffic"], "name a trace (`msgflow observe ... --record TRACE`) or a broker"),
        (["asyncapi"], "name at least one AsyncAPI document"),
        (["asyncapi", "a.yaml", "--url", "nats://x:4222"], "--url is for `msgflow import traffic`"),
        (["traffic", "--url", "nats://127.0.0.1:4222", "--duration", "0"], "--duration 0: give"),
        (["traffic", "--url", "kafka://x:9092"], "unsupported broker URL 'kafka://x:9092'"),
        (
            ["traffic", "--url", "nats://127.0.0.1:1", "--duration", "1"],
            "cannot connect to nats://127.0.0.1:1",
        ),
    ],
)
def test_import_arguments_refused_in_one_line(tmp_path: Path, capsys, argv, said) -> None:
    out = tmp_path / "o.msgflow.json"
    assert main(["import", *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()
