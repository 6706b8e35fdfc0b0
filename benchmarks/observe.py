"""Observer benchmark: records/s `msgflow observe` sustains per broker, and its memory.

For each broker a publisher subprocess floods one event address of a uniquely renamed
shop (the OrderCreated envelope, ~330 bytes) while this process observes it with the real
tap and the full analysis (the same code `msgflow observe` runs). Printed per broker:
messages published and seen; the publisher's own rate (on 2 cores, publisher, broker and
observer share the CPU: the observer cannot see more than is published); records/s from
the first to the last record while the publisher runs ("wall"); the same with the flood
published first and then drained ("backlog": the observer's own wall-clock limit, with the
broker still delivering; not on NATS, which drops what a blocked client does not read);
records per CPU-second of the observer and its CPU-us per record; the same for the bare
tap receiving the same flood without any analysis; and the CPU-us per message the broker's
server process and the publisher spent (CPU time, unlike wall-clock rates, is not skewed by
the shared machine's other work). Also printed: the analysis alone (records/s through
`Observation.add`, no broker) and the RabbitMQ tap's whole path alone (frames to analysis,
no broker). The RabbitMQ flood is published on a raw AMQP connection: aio-pika's ~150 us
per publish made the publisher, not the observer, the limit.

Goals (issue #16): >= 20,000/s on NATS, >= 5,000/s on RabbitMQ.

    python benchmarks/observe.py                       # all brokers, 100k/50k/50k messages
    python benchmarks/observe.py --brokers nats --count 200000
    python benchmarks/observe.py --live                # also live mode in an offscreen window
    python benchmarks/observe.py --memory 10           # NATS at 5,000/s for 10 minutes:
                                                       # RSS every 30 s stays flat
    python benchmarks/observe.py --memory-analysis 1000000  # no broker: every bounded
                                                       # table filled, the heap flat

Run it under the shared broker lock: `flock /tmp/brokers.lock python benchmarks/observe.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from designer.core import io
from designer.core.channels import ChannelNames
from designer.core.model import Design
from designer.core.observe import Observation, Record, from_wire
from designer.core.observe.record import UNPARSED
from designer.resources import examples_dir
from designer.taps.amqp_wire import AmqpWire, Endpoint

URLS = {
    "nats": "nats://127.0.0.1:4222",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/",
    "redis": "redis://127.0.0.1:6379/0",
}
COUNTS = {"nats": 100_000, "rabbitmq": 50_000, "redis": 50_000}


def _shop(token: str) -> Design:
    data = io.load(examples_dir() / "shop.msgflow.json").model_dump(by_alias=True, mode="json")
    rename = {n["id"]: f"{token}-{n['id']}" for n in data["nodes"]}
    for node in data["nodes"]:
        node["id"] = rename[node["id"]]
    for message in data["messages"]:
        if message.get("owner"):
            message["owner"] = rename[message["owner"]]
    for flow in data["flows"]:
        flow["from"], flow["to"] = rename[flow["from"]], rename[flow["to"]]
        if flow.get("reply") and not flow["reply"].startswith("/"):
            flow["reply"] = f"{token}-{flow['reply']}"
    data["layout"] = {}
    return Design.model_validate(data)


def _body(i: int) -> bytes:
    return json.dumps(
        {
            "message_id": str(uuid.uuid4()),
            "correlation_id": str(uuid.uuid4()),
            "causation_id": None,
            "message_type": "OrderCreated",
            "reply_to": None,
            "payload": {
                "order_id": str(uuid.uuid4()),
                "customer_id": str(uuid.uuid4()),
                "lines": [{"sku": f"sku-{i % 97}", "qty": 1 + i % 5}],
                "total": "12.50",
            },
        }
    ).encode()


BROKER_PROCESSES = {"nats": "nats-server", "rabbitmq": "beam.smp", "redis": "redis-server"}


def _broker_cpu(broker: str) -> float:
    """CPU seconds the broker's server process has used so far (the longest running one
    of that name: rabbitmqctl starts short-lived beam.smp processes), nan if unreadable."""
    found: list[tuple[int, float]] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name == BROKER_PROCESSES[broker]:
            fields = text[text.rindex(")") + 2 :].split()
            ticks = os.sysconf("SC_CLK_TCK")
            found.append((int(fields[19]), (int(fields[11]) + int(fields[12])) / ticks))
    return min(found)[1] if found else float("nan")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the publisher subprocess ---------------------------------------------------------------


class _Publisher(AmqpWire):
    """The tap's AMQP connection, publishing: it waits while the socket's buffer is full."""

    def __init__(self) -> None:
        super().__init__()
        self.writable = asyncio.Event()
        self.writable.set()

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()


async def _publish(broker: str, token: str, count: int, rate: float) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    await _flood(broker, token, count, rate)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({"published": count, "per_s": count / wall, "per_cpu_s": count / cpu}))


async def _flood(broker: str, token: str, count: int, rate: float) -> None:
    design = _shop(token)
    channel = ChannelNames(design).channel(design.flow("f2"))  # type: ignore[arg-type]
    bodies = [_body(i) for i in range(1000)]
    pause_every = max(1, int(rate / 100)) if rate else 0
    started = time.monotonic()

    async def pace(i: int) -> None:
        if pause_every and i % pause_every == 0:
            ahead = i / rate - (time.monotonic() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)

    if broker == "nats":
        import nats

        client = await nats.connect(URLS["nats"])
        for i in range(count):
            await client.publish(channel.subject, bodies[i % 1000])
            await pace(i)
            if i % 5000 == 0:
                await client.flush()
        await client.flush()
        await client.close()
    elif broker == "rabbitmq":
        # Frames marshalled once per body and written in batches of 500 on a raw AMQP
        # connection: aio-pika spent ~150 us of CPU per publish, so on 2 shared cores the
        # publisher, not the observer, set the "wall" rate (3,000-6,000/s).
        from pamqp import commands, frame
        from pamqp.body import ContentBody
        from pamqp.header import ContentHeader

        wire = await _Publisher.open(Endpoint.from_url(URLS["rabbitmq"]), "msgflow benchmark")
        number = await wire.channel()
        publish = frame.marshal(
            commands.Basic.Publish(exchange=channel.exchange, routing_key=channel.routing_key),
            number,
        )
        frames = [
            publish
            + frame.marshal(ContentHeader(0, len(body), commands.Basic.Properties()), number)
            + frame.marshal(ContentBody(body), number)
            for body in bodies
        ]
        assert wire.transport is not None
        for start in range(0, count, 500):
            await wire.writable.wait()  # the socket's buffer is full: the broker pushes back
            wire.transport.write(
                b"".join(frames[i % 1000] for i in range(start, min(start + 500, count)))
            )
            await pace(start)
        await wire.close()  # Connection.Close is answered after every publish before it
    else:
        import redis.asyncio as aioredis

        client = aioredis.from_url(URLS["redis"])
        pipe = client.pipeline(transaction=False)
        for i in range(count):
            pipe.xadd(channel.topic, {"__data__": bodies[i % 1000]}, maxlen=100_000)
            if i % 500 == 499:
                await pipe.execute()
                await pace(i)
        await pipe.execute()
        await client.aclose()


# -- the observing side ---------------------------------------------------------------------


async def _prepare(broker: str, design: Design) -> None:
    channel = ChannelNames(design).channel(design.flow("f2"))  # type: ignore[arg-type]
    if broker == "rabbitmq":  # the exchange must exist for the tap to bind
        import aio_pika

        connection = await aio_pika.connect(URLS["rabbitmq"])
        async with connection:
            ch = await connection.channel()
            await ch.declare_exchange(channel.exchange, "topic", auto_delete=True)


async def _cleanup(broker: str, design: Design) -> None:
    channel = ChannelNames(design).channel(design.flow("f2"))  # type: ignore[arg-type]
    if broker == "redis":
        import redis.asyncio as aioredis

        client = aioredis.from_url(URLS["redis"])
        await client.delete(channel.topic)
        await client.aclose()


async def _observe(
    broker: str, token: str, count: int, analyse: bool, rate: float = 0, backlog: bool = False
) -> dict[str, Any]:
    from designer.taps.session import observe

    design = _shop(token)
    await _prepare(broker, design)
    observation = Observation(design, broker)
    seen = 0
    first = last = 0.0
    cpu_first = cpu_last = 0.0
    stop = asyncio.Event()
    opened = asyncio.Event()
    samples: list[float] = []

    def sink(record: Record) -> None:
        nonlocal seen, first, last, cpu_first, cpu_last
        if analyse:
            observation.add(record)
        seen += 1
        last = time.perf_counter()
        cpu_last = time.process_time()
        if seen == 1:
            first, cpu_first = last, cpu_last
        if seen >= count:
            stop.set()

    publisher: dict[str, Any] = {}

    async def drive() -> None:
        await opened.wait()
        command = [sys.executable, __file__, "--publish", broker, token, str(count), str(rate)]
        if backlog:
            # Blocks this event loop: the tap reads nothing until the flood is all
            # published, then drains it with the publisher gone (the broker holds it).
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        else:
            process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
            out = (await process.communicate())[0].decode()
        publisher.update(json.loads(out.strip().splitlines()[-1]))
        idle_since, before = time.monotonic(), -1
        while not stop.is_set():  # stop once nothing more arrives for 2 s
            if seen != before:
                idle_since, before = time.monotonic(), seen
            elif time.monotonic() - idle_since > 2:
                stop.set()
            await asyncio.sleep(0.2)

    async def sample() -> None:
        while rate and not stop.is_set():
            samples.append(_rss_mb())
            await asyncio.sleep(30)

    rss_before = _rss_mb()
    broker_cpu = _broker_cpu(broker)
    driver = asyncio.create_task(drive())
    sampler = asyncio.create_task(sample())
    await observe(design, URLS[broker], 3600, sink, stop, on_open=lambda _tap: opened.set())
    await driver
    await sampler
    broker_cpu = _broker_cpu(broker) - broker_cpu
    await _cleanup(broker, design)
    elapsed = max(last - first, 1e-9)
    report = observation.report() if analyse else None
    return {
        "broker": broker,
        "analysis": analyse,
        "published": count,
        "seen": seen,
        "per_s": seen / elapsed,
        # Per second of this process's CPU: what one free core sustains. The machine is
        # shared (load 10+ on 2 cores at times), so wall-clock rates measure the neighbours.
        "per_cpu_s": seen / max(cpu_last - cpu_first, 1e-9),
        "rss_before_mb": rss_before,
        "rss_after_mb": _rss_mb(),
        "rss_samples_mb": samples,
        "flow_f2": report.flow("f2").messages if report and report.flow("f2") else None,
        "publisher_per_s": publisher.get("per_s"),
        "publisher_per_cpu_s": publisher.get("per_cpu_s"),
        # The broker's CPU over the whole run per message published (nan: not readable).
        "broker_cpu_us": broker_cpu / count * 1e6,
    }


def _late(lateness: list[float]) -> dict[str, float]:
    ordered = sorted(lateness) or [0.0]
    return {
        "late_p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
        "late_max_ms": 1000 * ordered[-1],
        "ticks": len(ordered),
    }


def _pid_cpu(pid: int | None) -> float:
    """CPU seconds process `pid` has used so far (0 for None or gone)."""
    if pid is None:
        return 0.0
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _live_window(broker: str, count: int) -> dict[str, Any]:
    """Live mode in a real (offscreen, painted) window while a flood runs. The window's
    event loop runs a 10 ms timer; how late it fires is how long the window could not
    react (input, painting). Phases, in one process within a minute:
      off      - the flood with live mode not connected: the busy machine's own lateness;
      idle     - connected, no traffic;
      live     - connected, the flood counted in the tap's child process, the overlay
                 refreshing (REFRESH_HZ) from the reports the child sends;
      thread   - the same, the tap and analysis hosted in a thread of the window's process
                 (LiveMode.host = "thread", what live mode was before): the baseline.
    Each refresh (read the pipe + proposals + overlay) is timed on the GUI thread; the
    window's and the child's CPU time per record are both reported."""
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from designer.qt.app import _application, create_window

    token = f"bench{uuid.uuid4().hex[:8]}"
    design = _shop(token)
    asyncio.run(_prepare(broker, design))
    app = _application(True)
    scratch = tempfile.TemporaryDirectory(prefix="msgflow-bench-")
    path = Path(scratch.name) / "shop.msgflow.json"
    io.save(design, path)
    settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = create_window(str(path), recover=False, settings=settings)
    window.resize(1440, 900)
    if not window.document.design.nodes:
        raise SystemExit(f"the window did not open {path}")
    live = window.live
    refreshes: list[tuple[float, float]] = []  # (start, seconds) of each overlay refresh

    def timed_refresh() -> None:
        started = time.perf_counter()
        live.refresh()
        refreshes.append((started, time.perf_counter() - started))

    live.timer.timeout.disconnect(live.refresh)
    live.timer.timeout.connect(timed_refresh)
    live.failed.connect(lambda text: print("msgflow live:", text, file=sys.stderr))
    # Not app.exec(): quitting the application would stop live mode (aboutToQuit).
    waiting = QEventLoop()

    def phase(flood: bool) -> dict[str, Any]:
        """Tick every 10 ms (300 ticks, or until the flood is counted or over)."""
        before = live.report.records if live.report is not None else 0
        child_pid = live.child.pid if live.child is not None else None
        child_cpu = _pid_cpu(child_pid)
        publisher = (
            subprocess.Popen(
                [sys.executable, __file__, "--publish", broker, token, str(count), "0"],
                stdout=subprocess.DEVNULL,
            )
            if flood
            else None
        )
        lateness: list[float] = []
        progress: list[tuple[float, int]] = []  # (time, records) when the count moved
        cpu = time.process_time()
        last_tick = started = time.perf_counter()

        def tick() -> None:
            nonlocal last_tick
            now = time.perf_counter()
            lateness.append(now - last_tick - 0.010)
            last_tick = now
            seen = (live.report.records if live.report is not None else 0) - before
            if not progress or seen != progress[-1][1]:
                progress.append((now, seen))
            if publisher is None:
                done = len(lateness) >= 300
            elif live.child is None:  # not connected: until the publisher is done
                done = publisher.poll() is not None
            else:
                done = seen >= count or (publisher.poll() is not None and now - progress[-1][0] > 2)
            if done:
                waiting.quit()

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()
        waiting.exec()
        timer.stop()
        cpu = time.process_time() - cpu
        child_cpu = _pid_cpu(child_pid) - child_cpu
        if publisher is not None:
            publisher.wait()
        moving = [p for p in progress if p[1] > 0]
        first, last = (moving[0], moving[-1]) if moving else ((started, 0), (last_tick, 0))
        span = max(last[0] - first[0], 1e-9)
        during = [d for t, d in refreshes if first[0] <= t <= last[0]]
        return {
            **_late(lateness[1:]),
            "seen": last[1],
            "per_s": (last[1] - first[1]) / span if moving else 0.0,
            "refresh_hz": len(during) / span if moving else 0.0,
            "refresh_max_ms": 1000 * max(during, default=0.0),
            "cpu_us": cpu / last[1] * 1e6 if last[1] else None,
            "child_cpu_us": child_cpu / last[1] * 1e6 if last[1] and child_pid else None,
        }

    def connect(host: str) -> None:
        live.host = host
        live.connect_to(URLS[broker])
        while not live.tap_open.is_set() or live.report is None:
            app.processEvents()
            time.sleep(0.01)

    result = {"off": phase(flood=True)}
    connect("process")
    result["idle"] = phase(flood=False)
    result["live"] = phase(flood=True)
    live.stop()
    if broker == "rabbitmq":  # its exchanges here are auto-delete: gone with the tap's queue
        asyncio.run(_prepare(broker, design))
    connect("thread")
    result["thread"] = phase(flood=True)
    live.stop()
    asyncio.run(_cleanup(broker, design))
    window.files.undo.stack.setClean()
    window.close()
    scratch.cleanup()
    return result


def _analysis_only(n: int = 100_000) -> float:
    design = _shop("bench")
    channel = ChannelNames(design).channel(design.flow("f2"))  # type: ignore[arg-type]
    # Unparsed, as a tap hands them over: every add pays the JSON parse too.
    records = [
        replace(from_wire(i * 1e-4, "nats", channel.subject, _body(i)), parsed=UNPARSED)
        for i in range(2000)
    ]
    observation = Observation(design, "nats")
    started = time.process_time()
    for i in range(n):
        observation.add(records[i % 2000])
    return n / (time.process_time() - started)


def _rabbit_path_only(n: int = 60_000) -> dict[str, float]:
    """CPU-us per record of the RabbitMQ tap's whole path without a broker: the delivery
    frames as the socket hands them over (64 KiB reads), cut into deliveries, made into
    records and added to the analysis. Two kinds of message: the flood's (an envelope
    body, no properties) and a generated service's (string headers message_id,
    correlation_id, message_type, and the model as the body)."""
    from pamqp import commands, frame
    from pamqp.body import ContentBody
    from pamqp.header import ContentHeader

    from designer.taps.rabbitmq import RabbitTap

    design = _shop("bench")
    channel = ChannelNames(design).channel(design.flow("f2"))  # type: ignore[arg-type]

    def delivered(body: bytes, properties: commands.Basic.Properties) -> bytes:
        deliver = commands.Basic.Deliver(
            consumer_tag="amq.ctag-benchmark",
            delivery_tag=1,
            exchange=channel.exchange,
            routing_key=channel.routing_key,
        )
        header = ContentHeader(0, len(body), properties)
        return b"".join(
            (
                frame.marshal(deliver, 1),
                frame.marshal(header, 1),
                frame.marshal(ContentBody(body), 1),
            )
        )

    def service(i: int) -> bytes:
        envelope = json.loads(_body(i))
        headers = {k: envelope[k] for k in ("message_id", "correlation_id", "message_type")}
        properties = commands.Basic.Properties(
            content_type="application/json", delivery_mode=2, headers=headers
        )
        return delivered(json.dumps(envelope["payload"]).encode(), properties)

    streams = {
        "flood": b"".join(delivered(_body(i), commands.Basic.Properties()) for i in range(1000)),
        "service": b"".join(service(i) for i in range(1000)),
    }
    result: dict[str, float] = {}
    for kind, data in streams.items():
        tap = RabbitTap(design, URLS["rabbitmq"])
        observation = Observation(design, "rabbitmq")
        wire = AmqpWire()

        def receive(
            delivery: Any, tap: RabbitTap = tap, observation: Observation = observation
        ) -> None:
            record = tap.record(delivery, time.time())
            if record is not None:
                observation.add(record)

        wire.on_delivery = receive
        chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
        started = time.process_time()
        for _ in range(n // 1000):
            for chunk in chunks:
                wire.data_received(chunk)
        result[kind] = (time.process_time() - started) / (observation.records or 1) * 1e6
    return result


def _analysis_memory(total: int) -> list[tuple[int, float, float, int, int, int]]:
    """The analysis fed traffic that fills every bounded table: a unique message id on
    every record (the causation index), queries never answered (pending requests), a new
    undeclared address every 50 records and a new invented type every 100 (stray tallies,
    resolved type names). (records, Python heap MB as tracemalloc counts it, RSS MB, ids
    remembered, requests pending, undeclared addresses) at every tenth of the run: the heap
    is flat once the tables are full (RSS creeps a little more: freed blocks the allocator
    keeps rather than hands back)."""
    import tracemalloc

    tracemalloc.start(1)
    design = _shop("bench")
    names = ChannelNames(design)
    created = names.channel(design.flow("f2")).subject  # type: ignore[arg-type]
    ask = names.channel(design.flow("f6")).subject  # type: ignore[arg-type]
    body = json.loads(_body(0))["payload"]
    observation = Observation(design, "nats", 0.0)
    samples = []
    for i in range(total):
        t = i * 1e-4  # 10,000 records a second of traffic time
        ids = {"message_id": f"m-{i}", "correlation_id": f"c-{i}"}
        if i % 50 == 0:
            channel, kind, payload = f"stray.{i}.seen", "Stray", {"n": i}
        elif i % 100 == 1:
            channel, kind, payload = created, f"Invented{i}", body
        elif i % 3 == 0:
            channel, kind, payload = ask, "GetCustomer", {"customer_id": body["customer_id"]}
            ids["reply_to"] = "orders.replies"
        else:
            channel, kind, payload = created, "OrderCreated", body
        encoded = json.dumps(payload).encode()
        observation.add(from_wire(t, "nats", channel, encoded, {"message_type": kind, **ids}))
        if (i + 1) % (total // 10) == 0:
            samples.append(
                (
                    i + 1,
                    tracemalloc.get_traced_memory()[0] / 2**20,
                    _rss_mb(),
                    len(observation.recent),
                    len(observation.pending),
                    len(observation.undeclared),
                )
            )
    return samples


def _run_child(
    broker: str, count: int, analyse: bool, rate: float = 0, backlog: bool = False
) -> dict[str, Any]:
    # Each measurement in its own process: RSS figures are then its own.
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            broker,
            str(count),
            str(int(analyse)),
            str(rate),
            str(int(backlog)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brokers", nargs="+", default=list(COUNTS), choices=list(COUNTS))
    parser.add_argument("--count", type=int, help="messages per broker (default 100k/50k/50k)")
    parser.add_argument("--memory", type=float, metavar="MIN", help="NATS memory run, minutes")
    parser.add_argument(
        "--live", action="store_true", help="also: live mode in an offscreen window per broker"
    )
    parser.add_argument(
        "--memory-analysis",
        type=int,
        metavar="N",
        help="no broker: N records that fill every bounded table of the analysis; RSS flat",
    )
    parser.add_argument("--publish", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--live-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publish:
        broker, token, count, rate = args.publish
        asyncio.run(_publish(broker, token, int(count), float(rate)))
        return
    if args.child:
        broker, count, analyse, rate, backlog = args.child
        token = f"bench{uuid.uuid4().hex[:8]}"
        result = _observe(broker, token, int(count), analyse == "1", float(rate), backlog == "1")
        print(json.dumps(asyncio.run(result)))
        return
    if args.live_child:
        broker, count = args.live_child
        print(json.dumps(_live_window(broker, int(count))))
        return
    if args.memory_analysis:
        print(
            "records, Python heap MB, RSS MB, message ids remembered, requests pending, "
            "undeclared addresses:"
        )
        for row in _analysis_memory(args.memory_analysis):
            print(
                f"{row[0]:>10,} {row[1]:>7.1f} {row[2]:>7.0f} {row[3]:>8,} {row[4]:>8,} {row[5]:>6,}"
            )
        return
    if args.memory:
        rate = 5000.0
        count = int(rate * 60 * args.memory)
        result = _run_child("nats", count, True, rate)
        print(f"NATS, {rate:,.0f}/s for {args.memory:g} min: seen {result['seen']:,} of {count:,}")
        print("RSS (MB) every 30 s: " + ", ".join(f"{v:.0f}" for v in result["rss_samples_mb"]))
        return
    print(f"analysis alone (Observation.add, no broker): {_analysis_only():,.0f} records/CPU-s")
    if "rabbitmq" in args.brokers:
        path = _rabbit_path_only()
        print(
            "RabbitMQ tap path alone (frames -> deliveries -> records -> analysis, no broker): "
            + ", ".join(f"{kind} {us:.1f} CPU-us/record" for kind, us in path.items())
        )
    print(
        "CPU-us/rec: this process's CPU time per record (the machine is shared: wall rates "
        "depend on the neighbours); broker and publisher: their CPU per message"
    )
    print(
        f"{'broker':<9} {'published':>9} {'seen':>9} {'publisher/s':>11} {'wall rec/s':>10} "
        f"{'backlog rec/s':>13} {'rec/CPU-s':>10} {'CPU-us/rec':>10} {'tap only':>8} "
        f"{'broker':>6} {'publisher':>9} {'RSS MB':>7}"
    )
    for broker in args.brokers:
        count = args.count or COUNTS[broker]
        full = _run_child(broker, count, True)
        floor = _run_child(broker, count, False)
        # NATS drops what a blocked client does not read (slow consumer): no backlog run.
        drained = _run_child(broker, count, True, backlog=True) if broker != "nats" else None
        print(
            f"{broker:<9} {count:>9,} {full['seen']:>9,} {full['publisher_per_s']:>11,.0f} "
            f"{full['per_s']:>10,.0f} "
            + (f"{drained['per_s']:>13,.0f} " if drained else f"{'-':>13} ")
            + f"{full['per_cpu_s']:>10,.0f} {1e6 / full['per_cpu_s']:>10.1f} "
            f"{1e6 / floor['per_cpu_s']:>8.1f} {full['broker_cpu_us']:>6.1f} "
            f"{1e6 / full['publisher_per_cpu_s']:>9.1f} {full['rss_after_mb']:>7.0f}"
        )
    if not args.live:
        return
    print(
        "live mode in an offscreen window (painted): how late a 10 ms timer on the window's "
        "event loop fired (p99 / worst), per phase in one process:"
    )
    for broker in args.brokers:
        count = args.count or COUNTS[broker]
        out = subprocess.run(
            [sys.executable, __file__, "--live-child", broker, str(count)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        live = json.loads(out.strip().splitlines()[-1])
        for name, label in (
            ("live", "live (tap in a child process)"),
            ("thread", "baseline (tap in a thread of the window)"),
        ):
            shown = live[name]
            child = shown["child_cpu_us"]
            print(
                f"{broker:<9} {label}: {shown['seen']:,} records at {shown['per_s']:,.0f}/s, "
                f"CPU-us/record: window {shown['cpu_us'] or 0:.1f}"
                + (f", child {child:.1f}" if child else "")
                + f"; overlay {shown['refresh_hz']:.1f} Hz, each refresh <= "
                f"{shown['refresh_max_ms']:.1f} ms; late {shown['late_p99_ms']:.0f} / "
                f"{shown['late_max_ms']:.0f} ms"
            )
        ratio = (live["thread"]["cpu_us"] or 0) / max(live["live"]["cpu_us"] or 0, 1e-9)
        print(
            f"{'':<9} window CPU per record, baseline / child process: {ratio:.1f}x; "
            f"live mode off: late {live['off']['late_p99_ms']:.0f} / "
            f"{live['off']['late_max_ms']:.0f} ms; connected, no traffic: late "
            f"{live['idle']['late_p99_ms']:.0f} / {live['idle']['late_max_ms']:.0f} ms"
        )


if __name__ == "__main__":
    main()
