"""`msgflow import traffic` on a trace recorded from the real NATS of this machine, and
straight from it (`--url`).

A system without a design names its instances in its subjects (`<token>.lights.1.measured`
...); the tap records them as `msgflow observe --record` does (the same TraceWriter), and
the import folds them into one parameterised channel. The broker is shared: only this
test's subjects (they carry `token`) are written to the trace. Skips when NATS is missing.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.core.model import Design
from designer.core.observe import Record, TraceWriter
from designer.taps.session import Tap, observe
from tests.support.brokers import unique_token
from tests.support.requirements import require_nats

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
NATS_URL = "nats://127.0.0.1:4222"
LIGHTS = ("1", "2", "3", "42")
WAIT_S = 20.0


def _record(trace: Path, token: str) -> int:
    """Publish every light's measurement while a tap records this test's subjects."""
    import nats

    async def run() -> int:
        stop = asyncio.Event()
        opened: list[Tap] = []
        seen: list[Record] = []
        with trace.open("w", encoding="utf-8") as handle:
            writer = TraceWriter(handle, "nats", time.time())

            def sink(record: Record) -> None:
                if token in record.address:  # another test's traffic on the shared broker
                    seen.append(record)
                    writer.write(record)

            async def drive() -> None:
                while not opened:
                    await asyncio.sleep(0.05)
                client = await nats.connect(NATS_URL)
                try:
                    for light in LIGHTS:
                        body = json.dumps({"lumens": int(light) * 10}).encode()
                        await client.publish(
                            f"{token}.lights.{light}.measured",
                            body,
                            headers={"message_type": "LightMeasured"},
                        )
                    await client.flush()
                finally:
                    await client.close()
                for _ in range(int(WAIT_S / 0.05)):
                    if len(seen) >= len(LIGHTS):
                        break
                    await asyncio.sleep(0.05)
                stop.set()

            driver = asyncio.create_task(drive())
            await observe(Design(), NATS_URL, WAIT_S + 10, sink, stop, on_open=opened.append)
            await driver
            writer.close(time.time())
        return len(seen)

    return asyncio.run(run())


def test_instances_in_recorded_subjects_fold_into_one_parameterised_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_nats()
    token = unique_token("fold")
    trace, out = tmp_path / "lights.jsonl", tmp_path / "lights.msgflow.json"
    assert _record(trace, token) == len(LIGHTS)
    assert main(["import", "traffic", str(trace), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    design = io.load(out)
    (flow,) = design.flows
    assert flow.channel == f"{token}.lights.{{lightsId}}.measured"
    assert [(p.name, p.type) for p in flow.parameters] == [("lightsId", "integer")]
    message = design.message(flow.message)
    assert message is not None and message.name == "LightMeasured"
    assert [(f.name, f.type) for f in message.fields] == [("lumens", "integer")]
    assert f"{len(LIGHTS)} addresses folded into one channel" in text
    assert "seen as 1, 2, 3, 42 (all LightMeasured)" in text


def test_import_traffic_watching_the_broker_live(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`msgflow import traffic --url`: the same proposal straight from the live broker.
    The lights publish round after round until the import's window is over (the window
    is what the command is given, not a timing this test asserts). Other traffic on the
    shared broker may add flows of its own: only this test's channel is checked."""
    import threading

    import nats

    require_nats()
    token = unique_token("live")
    out = tmp_path / "lights.msgflow.json"
    done = threading.Event()

    async def publish() -> None:
        client = await nats.connect(NATS_URL)
        try:
            while not done.is_set():
                for light in LIGHTS:
                    await client.publish(
                        f"{token}.lights.{light}.measured",
                        json.dumps({"lumens": int(light) * 10}).encode(),
                        headers={"message_type": "LightMeasured"},
                    )
                await client.flush()
                await asyncio.sleep(0.05)
        finally:
            await client.close()

    publisher = threading.Thread(target=lambda: asyncio.run(publish()))
    publisher.start()
    try:
        argv = ["import", "traffic", "--url", NATS_URL, "--duration", "3", "-o", str(out)]
        assert main(argv) == 0
    finally:
        done.set()
        publisher.join()
    text = capsys.readouterr().out
    assert text.startswith(f"watched {NATS_URL} for 3 s: ")
    design = io.load(out)
    (flow,) = [f for f in design.flows if token in (f.channel or "")]
    assert flow.channel == f"{token}.lights.{{lightsId}}.measured"
    assert [(p.name, p.type) for p in flow.parameters] == [("lightsId", "integer")]
    message = design.message(flow.message)
    assert message is not None and message.name == "LightMeasured"
    assert [(f.name, f.type) for f in message.fields] == [("lumens", "integer")]
    assert "seen as 1, 2, 3, 42 (all LightMeasured)" in text
