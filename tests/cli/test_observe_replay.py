"""`msgflow observe FILE --replay TRACE`: the drift report of a recording, without a broker."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from designer.cli import main
from designer.core.observe import TraceWriter
from designer.resources import examples_dir
from tests.core.observe.traffic import envelope, loyalty_points, model, new_id, order_created

SHOP = str(examples_dir() / "shop.msgflow.json")
SARIF_SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def write_trace(path: Path, *, malformed: bool) -> None:
    with path.open("w", encoding="utf-8") as handle:
        writer = TraceWriter(handle, "nats", 100.0)
        for i in range(6):
            writer.write(
                envelope(
                    100 + i, "nats", "orders.evt.order-created", "OrderCreated", order_created()
                )
            )
        writer.write(
            model(
                101,
                "nats",
                "loyalty.cmd.add-loyalty-points",
                loyalty_points(),
                {"message_type": "AddLoyaltyPoints"},
            )
        )
        writer.write(
            model(
                102,
                "nats",
                "loyalty.evt.loyalty-points-added",
                {"customer_id": new_id(), "points": 1, "balance": 5},
            )
        )
        ask = new_id()
        writer.write(
            envelope(
                103,
                "nats",
                "customers.qry.get-customer",
                "GetCustomer",
                {"customer_id": new_id()},
                message_id=ask,
            )
        )
        writer.write(
            envelope(
                103.25,
                "nats",
                "orders.replies",
                "GetCustomerReply",
                {"customer_id": new_id(), "email": "e@x.y"},
                causation_id=ask,
            )
        )
        if malformed:
            writer.write(
                model(
                    104,
                    "nats",
                    "loyalty.cmd.add-loyalty-points",
                    {"customer_id": new_id(), "points": "ten"},
                )
            )
        writer.close(110.0)


def test_clean_trace_exits_0_with_every_flow_counted(tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.jsonl"
    write_trace(trace, malformed=False)
    assert main(["observe", SHOP, "--replay", str(trace), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    counts = {f["flow"]: f["messages"] for f in report["flows"]}
    assert counts == {"f2": 6, "f3": 6, "f4": 1, "f6": 1, "f7": 1}
    assert report["window"] == {"started": 100.0, "ended": 110.0, "seconds": 10.0}
    f6 = next(f for f in report["flows"] if f["flow"] == "f6")
    assert f6["latency_ms"] == {"p50": 250.0, "p95": 250.0, "p99": 250.0}
    assert report["findings"] == []


def test_malformed_payload_exits_1_and_text_names_the_field(tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.jsonl"
    write_trace(trace, malformed=True)
    assert main(["observe", SHOP, "--replay", str(trace)]) == 1
    out = capsys.readouterr().out
    assert "[contract-violation]" in out
    assert "1 of 2 'AddLoyaltyPoints' message(s)" in out
    assert "$.order_id: required field missing" in out


def test_sarif_output_is_valid_and_points_at_the_flow(tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.jsonl"
    write_trace(trace, malformed=True)
    assert main(["observe", SHOP, "--replay", str(trace), "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "contract-violation" and result["level"] == "error"
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert rules[result["ruleIndex"]] == "contract-violation"
    line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    lines = Path(SHOP).read_text().splitlines()
    assert '"id": "f4"' in "\n".join(lines[line - 1 : line + 2])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"msgflow_trace": 1}\nnot json\n', "t.jsonl:2: not JSON"),
        ('{"t": "x", "broker": "nats", "channel": "a"}\n', "t.jsonl:1: 't' must be a time"),
        ('{"t": 1, "broker": "kafka", "channel": "a"}\n', "t.jsonl:1: 'broker' must be one of"),
        ("[1]\n", "t.jsonl:1: a trace line must be a JSON object"),
    ],
)
def test_bad_trace_is_located_and_exits_2(
    tmp_path: Path, capsys, content: str, expected: str
) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_text(content)
    assert main(["observe", SHOP, "--replay", str(trace)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_missing_trace_and_bad_url_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["observe", SHOP, "--replay", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl: no such file" in capsys.readouterr().err
    assert main(["observe", SHOP, "--url", "kafka://localhost:9092", "--duration", "1"]) == 2
    assert "unsupported broker URL" in capsys.readouterr().err


def test_record_refuses_to_overwrite_the_design(tmp_path: Path, capsys) -> None:
    design = tmp_path / "d.msgflow.json"
    design.write_bytes(Path(SHOP).read_bytes())
    before = design.read_bytes()
    assert (
        main(["observe", str(design), "--url", "nats://127.0.0.1:1", "--record", str(design)]) == 2
    )
    assert "is the design file" in capsys.readouterr().err
    assert design.read_bytes() == before


def test_hand_written_trace_with_explicit_type(tmp_path: Path, capsys) -> None:
    trace = tmp_path / "t.jsonl"
    lines = [
        {
            "t": 1,
            "broker": "redis",
            "channel": "orders.order-created",
            "type": "OrderCreated",
            "body": order_created(),
        },
        {"t": 2, "broker": "redis", "channel": "orders.order-cancelled", "body": {"a": 1}},
    ]
    trace.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert main(["observe", SHOP, "--replay", str(trace), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {f["flow"]: f["messages"] for f in report["flows"]}["f2"] == 1
    assert [f["rule"] for f in report["findings"]].count("undeclared-traffic") == 1
