"""Hostile recorded traffic through `observe --replay` and `import traffic` (issue #10).

Each of these raised a traceback (UnicodeEncodeError, RecursionError) before: a trace line
holding a lone surrogate, and a message body, as text inside a line, that holds one or
nests deeper than Python's JSON parser goes. A bad line is located (exit 2); a body that
is no readable JSON is treated as a body that is not JSON, as a broker may carry one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.core.observe.record import NOT_JSON, parse_body
from designer.resources import examples_dir
from designer.taps.redis_wire import unwrap

SHOP = str(examples_dir() / "shop.msgflow.json")
DEEP = "[" * 100_000 + "]" * 100_000  # beyond json's recursion limit


def _trace(tmp_path: Path, record: dict[str, Any] | str) -> Path:
    trace = tmp_path / "t.jsonl"
    line = record if isinstance(record, str) else json.dumps(record)
    trace.write_text(line + "\n", encoding="utf-8")
    return trace


def _commands(trace: Path, tmp_path: Path) -> list[list[str]]:
    return [
        ["observe", SHOP, "--replay", str(trace)],
        ["observe", SHOP, "--replay", str(trace), "--format", "sarif"],
        ["import", "traffic", str(trace), "-o", str(tmp_path / "out.msgflow.json")],
    ]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"t": 1, "broker": "nats", "channel": "a.b", "body": "\ud800"}, "$.body: holds a lone"),
        ({"t": 1, "broker": "nats", "channel": "a.b", "headers": {"x": "\udc80"}}, "$.headers.x"),
        ({"t": 1, "broker": "nats", "channel": "\ud83d", "body": "{}"}, "$.channel: holds a lone"),
        ({"t": 1, "broker": "nats", "channel": "a", "type": "\udfff"}, "$.type: holds a lone"),
        ('{"t": 1, "broker": "nats", "channel": "a", "body": ' + DEEP + "}", "nested too deeply"),
        (
            '{"t": 1' + "0" * 400 + ', "broker": "nats", "channel": "a"}',
            "$.t: integer out of range",
        ),
    ],
    ids=["body", "header", "channel", "type", "deep line", "huge time"],
)
def test_an_unreadable_trace_line_is_located_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], record: Any, expected: str
) -> None:
    trace = _trace(tmp_path, record)
    for command in _commands(trace, tmp_path):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert f"t.jsonl:1: {expected}" in err, err
        assert "Traceback" not in err
    assert not (tmp_path / "out.msgflow.json").exists()


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"\ud800": "\udc80", "order_id": "\ud800"}),  # escaped in the body's text
        DEEP,
    ],
    ids=["lone surrogates in the body's JSON", "body nested beyond the parser"],
)
def test_a_body_no_json_reader_can_use_is_a_body_that_is_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    assert parse_body(body.encode("utf-8")) is NOT_JSON
    trace = _trace(tmp_path, {"t": 1, "broker": "nats", "channel": "orders.placed", "body": body})
    for command in _commands(trace, tmp_path):
        assert main(command) in (0, 1), command
        assert "Traceback" not in capsys.readouterr().err
    # The design proposed from it loads again.
    assert main(["validate", str(tmp_path / "out.msgflow.json")]) in (0, 1)


def test_an_ordinary_body_with_an_escaped_character_still_parses() -> None:
    assert parse_body(b'{"name": "caf\\u00e9", "pair": "\\ud83d\\ude00"}') == {
        "name": "café",
        "pair": "😀",
    }


def test_the_redis_json_wrapping_with_a_lone_surrogate_or_deep_nesting_is_left_as_it_came() -> None:
    surrogate = b'{"data": "\\ud800", "headers": {"type": "x"}}'
    assert unwrap(surrogate) == (surrogate, {})
    deep = b'{"headers": {}, "data": ' + DEEP.encode() + b"}"
    assert unwrap(deep) == (deep, {})
    assert unwrap(b'{"data": "{}", "headers": {"type": "x"}}') == (b"{}", {"type": "x"})
