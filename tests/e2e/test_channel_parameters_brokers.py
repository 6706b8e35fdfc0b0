"""Parameterised channels on the real RabbitMQ, NATS and Redis: generated services publish
with the value and subscribers on the wildcard (Redis: the one stream) receive every value.

tests/data/lights-parameters.msgflow.json: Streetlights publishes LightMeasured on
`streetlights.{streetlightId}.lighting.measured` to Dashboard, which sends TurnOn on
`streetlights.{streetlightId}.turn.on` (here to a non-durable, dead-lettering inbox: a flow
binding; TurnOn for light `broken` always fails there).
`broker apply` declares the topology first, then both generated services run in one
subprocess: Streetlights publishes for light 42, Dashboard turns light 7 on (Streetlights' default
handler reads 7 from the channel it received TurnOn on and publishes for light 7). Taps
bound to the exact keys / subjects of lights 42 and 7 prove the values travel in the
routing key or subject, both ways. Redis streams have no wildcard: each stream leaves the
parameter out and a tap reading its entries finds the values in each entry's `channel`
header. Skips when a broker is missing.
Run under `flock /tmp/brokers.lock`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from designer.cli import main
from designer.core import io
from designer.core.model import AmqpQueue, Design, FlowBindings
from designer.core.observe import Observation, Record
from designer.taps.session import Tap, observe
from tests.support.brokers import (
    ScratchVhost,
    delete_nats_prefix,
    require_nats,
    require_rabbitmqctl,
    unique_token,
)
from tests.support.requirements import require_redis

DESIGN = Path(__file__).resolve().parents[1] / "data" / "lights-parameters.msgflow.json"
NATS_URL = "nats://127.0.0.1:4222"
REDIS_URL = "redis://127.0.0.1:6379"

# Runs inside the generated project: both services, one process, the broker URL in argv.
SCRIPT = """
import asyncio
import datetime
import sys

import {tap_module}
from contracts import LightMeasured, TurnOn
from {dashboard}._generated import Service as Dashboard
from {dashboard}.defaults import DefaultHandlers as DashboardDefaults
from {lights}._generated import Service as Lights
from {lights}.defaults import DefaultHandlers as LightsDefaults

measured = []


failures = []


class Recording(DashboardDefaults):
    async def on_light_measured(self, message, context):
        measured.append(message.lumens)


class Failing(LightsDefaults):
    # Light `broken` cannot be turned on: a poison message on the inbox.

    async def on_turn_on(self, message, context):
        if context.parameters.get("streetlightId") == "broken":
            failures.append(context.message_id)
            raise RuntimeError("light broken does not answer")
        return await super().on_turn_on(message, context)


async def main(url):
    dashboard = Dashboard(Recording, broker_url=url)
    lights = Lights(Failing, broker_url=url)
    await dashboard.start()
    await lights.start()
    tapped = await {tap_call}
    await lights.out.publish_light_measured(LightMeasured(lumens=7), streetlight_id="42")
    now = datetime.datetime.now(datetime.UTC)
    await dashboard.out.send_turn_on(TurnOn(at=now), streetlight_id="7")
    for _ in range(200):
        if len(measured) >= 2:
            break
        await asyncio.sleep(0.05)
    await dashboard.out.send_turn_on(TurnOn(at=now), streetlight_id="broken")
    for _ in range(300):  # retried with backoff (0.2 s doubling), then given up
        if len(failures) >= 5:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    print("MEASURED", sorted(measured))
    print("POISON ATTEMPTS", len(failures), len(set(failures)))
    print("TAPPED", sorted(tapped))
    await lights.stop()
    await dashboard.stop()


asyncio.run(main(sys.argv[1]))
"""

RABBIT_TAP = '''
import aio_pika


async def tap(url, exchange, *keys):
    """A queue bound with exact keys (lights 42 and 7): what arrives proves the values."""
    connection = await aio_pika.connect(url)
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True)
    for key in keys:
        await queue.bind(exchange, routing_key=key)
    got = []

    async def keep(message):
        got.append(message.routing_key)
        await message.ack()

    await queue.consume(keep)
    return got
'''

NATS_TAP = """
import nats


async def tap(url, *subjects):
    connection = await nats.connect(url)
    got = []

    async def keep(message):
        got.append(message.subject)

    for subject in subjects:
        await connection.subscribe(subject, cb=keep)
    # SUB is buffered by the client: without a round trip the services' first publish can
    # reach the server before it knows the tap (seen in CI: light 42 missing).
    await connection.flush()
    return got
"""


REDIS_TAP = """
import asyncio

import redis.asyncio

FOLLOWING = set()  # the tasks reading, kept alive


async def tap(url, *streams):
    \"\"\"The `channel` header of every entry added to `streams` (new: read from the start).\"\"\"
    client = redis.asyncio.from_url(url)
    got = []

    async def follow():
        positions = {stream: "0-0" for stream in streams}
        while True:
            for stream, entries in await client.xread(positions, block=100) or []:
                for entry_id, fields in entries:
                    positions[stream.decode()] = entry_id
                    # A plain entry: the payload in `__data__`, each header a field.
                    got.append(fields.get(b"channel", b"(none)").decode())

    FOLLOWING.add(asyncio.get_running_loop().create_task(follow()))
    return got
"""


def _renamed(design: Design, token: str, channels: bool = False) -> Design:
    """Node ids prefixed (NATS has no vhost: every subject and stream becomes unique); with
    `channels`, the channels too (a Redis stream of a command is named by its channel)."""
    data = design.model_dump(by_alias=True, mode="json", exclude_none=True)
    rename = {n["id"]: f"{token}-{n['id']}" for n in data["nodes"]}
    for node in data["nodes"]:
        node["id"] = rename[node["id"]]
    for message in data["messages"]:
        message["owner"] = rename.get(message.get("owner"), message.get("owner"))
    for flow in data["flows"]:
        flow["from"], flow["to"] = rename[flow["from"]], rename[flow["to"]]
        if channels and flow.get("channel"):
            flow["channel"] = f"{token}.{flow['channel']}"
    data["layout"] = {}
    return Design.model_validate(data)


def _with_temporary_inbox(design: Design) -> Design:
    inbox = FlowBindings(amqp=AmqpQueue(durable=False))
    flows = [
        f.model_copy(update={"bindings": inbox, "dead_letter": True})
        if f.message == "turn-on"
        else f
        for f in design.flows
    ]
    return design.model_copy(update={"flows": flows})


def _run(design: Design, tmp_path: Path, broker: str, url: str, tap: str, tap_call: str) -> str:
    path = tmp_path / "lights.msgflow.json"
    io.save(design, path)
    if broker != "redis":  # Redis has no topology: the services create their groups
        assert main(["broker", "apply", str(path), "--url", url]) == 0
    project = tmp_path / "project"
    assert main(["generate", str(path), "-o", str(project), "--broker", broker]) == 0
    packages = {p.parent.name for p in project.glob("*/_generated.py")}
    dashboard = next(p for p in packages if p.endswith("dashboard"))
    lights = next(p for p in packages if p.endswith("lights"))
    (project / "param_tap.py").write_text(tap, encoding="utf-8")
    script = SCRIPT.format(
        tap_module="param_tap", dashboard=dashboard, lights=lights, tap_call=tap_call
    )
    (project / "run_both.py").write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "run_both.py", url],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _dead_letter_counted(vhost: ScratchVhost, dlq: str) -> dict[str, dict[str, object]]:
    """The vhost's queues once `dlq` reports its message. RabbitMQ publishes a quorum
    queue's message count with its periodic statistics (every 5 s by default), so on a
    quick run the dead letter is there before the count says so."""
    deadline = time.monotonic() + 15
    while True:
        queues = vhost.queues()
        if queues[dlq]["messages"] or time.monotonic() > deadline:
            return queues
        time.sleep(0.25)


def test_rabbitmq_routes_every_value_to_the_wildcard_binding(tmp_path: Path) -> None:
    require_rabbitmqctl()
    design = _with_temporary_inbox(io.load(DESIGN))
    with ScratchVhost() as vhost:
        keys = '"streetlights.42.lighting.measured", "streetlights.7.lighting.measured"'
        tap_call = f'param_tap.tap(url, "lights.events", {keys})'
        out = _run(design, tmp_path, "rabbitmq", vhost.url(), RABBIT_TAP, tap_call)
        queues = _dead_letter_counted(vhost, "streetlights.turn.on.dlq")
    # Light 42's measurement and the one TurnOn for light 7 caused both reached the
    # wildcard-bound queue; exact-key taps saw each light once: the value the
    # Streetlights handler received (context.parameters) is the value it published with.
    assert "MEASURED [0, 7]" in out, out
    tapped = "['streetlights.42.lighting.measured', 'streetlights.7.lighting.measured']"
    assert f"TAPPED {tapped}" in out, out
    inbox = queues["streetlights.turn.on"]
    assert inbox["type"] == "classic"  # the flow's non-durable inbox, declared alike twice
    # A classic queue keeps no delivery count: the service counted 5 attempts of the one
    # poison message itself, then dead-lettered it.
    assert "POISON ATTEMPTS 5 1" in out, out
    assert queues["streetlights.turn.on.dlq"]["messages"] == 1
    assert queues["dashboard.streetlights.lighting.measured"]["type"] == "quorum"


def test_nats_delivers_every_value_to_the_wildcard_subscriber(tmp_path: Path) -> None:
    require_nats()
    token = unique_token("p")
    design = _renamed(io.load(DESIGN), token)
    subject = f"{token}-lights.evt.streetlights.{{}}.lighting.measured"
    tap_call = f'param_tap.tap(url, "{subject.format(42)}", "{subject.format(7)}")'
    try:
        out = _run(design, tmp_path, "nats", NATS_URL, NATS_TAP, tap_call)
    finally:
        asyncio.run(delete_nats_prefix(NATS_URL, token))
    assert "MEASURED [0, 7]" in out, out
    assert f"TAPPED {[subject.format(42), subject.format(7)]}" in out, out
    assert "POISON ATTEMPTS 5 1" in out, out  # JetStream's redeliveries, then dropped


async def _observed_while(
    design: Design, url: str, token: str, run: Callable[[], str]
) -> tuple[str, list[Record]]:
    """What `run` printed, and the records `msgflow observe`'s tap saw meanwhile (this
    test's streams only: they carry `token`)."""
    records: list[Record] = []
    stop = asyncio.Event()
    opened: list[Tap] = []

    def sink(record: Record) -> None:
        if token in record.channel:
            records.append(record)

    watching = asyncio.create_task(observe(design, url, 240, sink, stop, on_open=opened.append))
    while not opened and not watching.done():
        await asyncio.sleep(0.05)
    try:
        out = await asyncio.to_thread(run)
        await asyncio.sleep(2.5)  # the tap reads every 0.2 s and finds new streams every 1 s
    finally:
        stop.set()
        await watching
    return out, records


async def _redis_entries(url: str, stream: str) -> list[dict[str, str]]:
    """The headers of every entry of `stream` (each a field beside the payload `__data__`)."""
    client = aioredis.from_url(url)
    try:
        entries = await client.xrange(stream)
        return [
            {k.decode(): v.decode() for k, v in fields.items() if k != b"__data__"}
            for _id, fields in entries
        ]
    finally:
        await client.aclose()


async def _delete_redis_keys(url: str, token: str) -> None:
    client = aioredis.from_url(url)
    try:
        async for key in client.scan_iter(match=f"*{token}*", count=500):
            await client.delete(key)
    finally:
        await client.aclose()


def test_redis_carries_every_value_in_the_entries_of_one_stream(tmp_path: Path) -> None:
    require_redis()
    token = unique_token("p")
    design = _renamed(io.load(DESIGN), token, channels=True)
    # What fails every attempt is kept in `<stream>.dlq` (else dropped, with a log line).
    flows = [f.model_copy(update={"dead_letter": f.message == "turn-on"}) for f in design.flows]
    design = design.model_copy(update={"flows": flows})
    # The parameter is out of the streams' names: one stream for every light.
    measured_stream = f"{token}-lights.{token}.streetlights.lighting.measured"
    turn_on_stream = f"{token}.streetlights.turn.on"
    tap_call = f'param_tap.tap(url, "{measured_stream}", "{turn_on_stream}")'

    def run() -> str:
        return _run(design, tmp_path, "redis", REDIS_URL, REDIS_TAP, tap_call)

    try:
        out, records = asyncio.run(_observed_while(design, REDIS_URL, token, run))
        dead = asyncio.run(_redis_entries(REDIS_URL, f"{turn_on_stream}.dlq"))
    finally:
        asyncio.run(_delete_redis_keys(REDIS_URL, token))
    # Streetlights' handler read light 7 from the TurnOn entry's header (context.parameters)
    # and published its measurement for light 7: the values travel in the entries, both ways.
    assert "MEASURED [0, 7]" in out, out
    channel = f"{token}.streetlights.{{}}"
    tapped = [
        channel.format("42.lighting.measured"),
        channel.format("7.lighting.measured"),
        channel.format("7.turn.on"),
        channel.format("broken.turn.on"),
    ]
    assert f"TAPPED {tapped}" in out, out
    assert "POISON ATTEMPTS 5 1" in out, out  # retried in place, then dead-lettered
    # The dead letter keeps the channel it was sent on: which light would not turn on.
    assert [h.get("channel") for h in dead] == [channel.format("broken.turn.on")]
    # `msgflow observe` counts each entry for the parameterised flow of its stream, and
    # its records keep the values (a recorded trace says which light).
    observation = Observation(design)
    for record in records:
        observation.add(record)
    counted = observation.report()
    assert (counted.flow("f1").messages, counted.flow("f2").messages) == (2, 2)
    assert not [f for f in counted.findings if f.rule == "missing-channel-values"]
    on_turn_on = [r.headers.get("channel") for r in records if r.channel == turn_on_stream]
    assert on_turn_on == [channel.format("7.turn.on"), channel.format("broken.turn.on")]


pytestmark = pytest.mark.timeout(300)
