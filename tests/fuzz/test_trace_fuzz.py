"""Structural fuzzing of the commands that read recorded traffic (issue #10).

`observe --replay` and `import traffic` read traces (JSON Lines, one record a line, bodies
as text): input the design fuzz never reaches. Every trace line here is a record with
hostile values in its fields and hostile JSON in its body (lone surrogates, numbers past
any float, nesting past the parser, NULs, names like `class` or `../../x`), or a line of
mutated bytes. Each command must exit 0, 1 or 2, never raise, write nothing but its
output, and leave the trace untouched; a design `import traffic` writes must load.

Same budget variable as the design fuzz (`MSGFLOW_FUZZ_DOCUMENTS`; `make fuzz` runs long).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import io
from designer.resources import examples_dir
from tests.fuzz.documents import json_values
from tests.fuzz.test_structural_fuzz import _check_command

BUDGET = int(os.environ.get("MSGFLOW_FUZZ_DOCUMENTS", "40"))
SHOP = (Path(examples_dir()) / "shop.msgflow.json").read_text(encoding="utf-8")
TRACE, DESIGN = "trace.jsonl", "design.msgflow.json"
CHANNELS = ["orders.placed", "orders.evt.order-created", "../../x", "名前.x", "a\x00b", "", "*"]
# Put back as text after dumping: what json.dumps cannot write.
RAW = {
    "\x00DEEP\x00": "[" * 5000 + "]" * 5000,
    "\x00HUGE\x00": "1e309",
    "\x00BIGINT\x00": "9" * 400,
    "\x00SURROGATE\x00": '"\\ud800"',
}
WORDS = ["\ud800", "a\udc80b", "class", "../../x", "名前", "\x00", "\ufeff", "\r\n"]
_word = st.sampled_from(WORDS)
_hostile = st.one_of(
    json_values,
    st.sampled_from(sorted(RAW)),
    _word,
    st.dictionaries(_word, st.one_of(_word, json_values), max_size=3),
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {
        "t": draw(st.one_of(st.floats(0, 1e10), st.integers(0, 10**6), _hostile)),
        "broker": draw(st.sampled_from(["nats", "rabbitmq", "redis", "kafka", None])),
        "channel": draw(st.one_of(st.sampled_from(CHANNELS), _hostile)),
    }
    body = draw(_hostile)
    if draw(st.booleans()):
        body = json.dumps(body, ensure_ascii=True)  # the body's text, as traces keep it
        for stand_in, text in RAW.items():
            body = body.replace(json.dumps(stand_in), text)
    record["body"] = body
    for key in draw(st.sets(st.sampled_from(["type", "message_id", "headers", "exchange"]))):
        record[key] = draw(_hostile)
    return record


def _line(record: dict[str, Any]) -> bytes:
    text = json.dumps(record, ensure_ascii=True)
    for stand_in, raw in RAW.items():
        text = text.replace(json.dumps(stand_in), raw)
    return text.encode("utf-8")


@st.composite
def traces(draw: st.DrawFn) -> bytes:
    lines = [b'{"msgflow_trace": 1, "broker": "nats", "started": 0}']
    lines += [_line(r) for r in draw(st.lists(records(), min_size=1, max_size=5))]
    data = b"\n".join(lines) + b"\n"
    if draw(st.integers(0, 4)) == 0:  # a few bytes flipped somewhere
        buffer = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            index = draw(st.integers(0, len(buffer) - 1))
            buffer[index] = draw(st.integers(0, 255))
        data = bytes(buffer)
    return data


def test_trace_commands_survive_generated_and_mutated_traces() -> None:
    tried = 0

    @settings(
        max_examples=BUDGET,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(traces())
    def one(data: bytes) -> None:
        nonlocal tried
        tried += 1
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            (folder / DESIGN).write_text(SHOP, encoding="utf-8")
            (folder / TRACE).write_bytes(data)
            for args in (
                ("observe", DESIGN, "--replay", TRACE),
                ("observe", DESIGN, "--replay", TRACE, "--format", "sarif"),
                ("import", "traffic", TRACE, "-o", "out/imported.msgflow.json"),
            ):
                _check_command(folder, args, SHOP.encode("utf-8"))
                assert (folder / TRACE).read_bytes() == data
            imported = folder / "out" / "imported.msgflow.json"
            if imported.exists():
                io.load(imported)  # what import writes, the loader takes

    one()
    print(f"\ntrace fuzz: {tried} traces tried, 3 commands each, failures 0")
