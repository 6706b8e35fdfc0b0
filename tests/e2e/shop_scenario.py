"""The shop scenario, the same on every broker: one order followed through the system, a
query answered with the right correlation id, then a burst of orders with a subscriber
stopped and restarted in the middle.

Broker specifics (how to start the shop on a broker, watch an event channel, ask a query
or send a message directly) live in the `shop_on_<broker>.py` modules, behind `Bus` and
`ShopOnBroker`; the tests, the same on every broker, are in test_shop.py.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from designer.core.channels import ChannelNames, FlowChannel
from designer.core.model import Design

from .harness import Services

REPORT_DIR = Path(__file__).resolve().parents[2] / "build" / "e2e"


class Bus(Protocol):
    """A test client on the broker, beside the services."""

    async def watch_events(self, channel: FlowChannel) -> None:
        """Start counting every message published on an event channel (a tap)."""

    def watched(self) -> Counter[str]:
        """order_id -> how many times the watched event was published."""

    async def ask(
        self, channel: FlowChannel, body: dict[str, Any], meta: dict[str, str], timeout: float
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Send a query (body = its model, ids in `meta`) with a plain client to a private
        reply address; the answer's body and its metadata (message_id, correlation_id,
        causation_id, message_type)."""

    async def close(self) -> None: ...


@dataclass(frozen=True)
class DeadLetters:
    """What a broker's dead-letter place of one subscription holds."""

    count: int
    message_id: str  # the first dead letter's message id ("" when there is none)
    reason: str | None  # its dead_letter_reason; None where the broker itself dead-letters
    # (RabbitMQ's dead-letter exchange) and no reason travels


class ShopOnBroker(Protocol):
    """The generated shop running on one broker (two processes of every service), and how a
    plain client of that broker sends to it."""

    broker: str
    design: Design  # the design the services were generated from (maybe renamed)
    services: Services
    crash_midway: bool  # the burst kills the stopped subscriber (SIGKILL) instead of stopping it
    broker_drops_duplicates: bool  # a resent message id never reaches the services

    def node(self, node_id: str) -> str:
        """The id of the shop's node `node_id` in `design`."""

    def bus(self) -> Bus: ...

    async def held_for(self, service: str) -> dict[str, int]:
        """What the broker holds for `service` (stopped): its backlog, by what holds it."""

    async def send_poison_then(
        self, channel: dict[str, Any], poison_id: str, good: dict[str, Any]
    ) -> None:
        """Send a body the receiver refuses (id `poison_id`), then `good` as a bare body (no
        ids, no headers)."""

    async def dead_letters(self, service: str, message: str) -> DeadLetters:
        """What the dead-letter place of `service`'s subscription to `message` holds now."""

    async def send_twice(
        self, channel: dict[str, Any], body: dict[str, Any], message_id: str
    ) -> None:
        """A sender retrying: the same message with the same id, twice."""

    async def send_with_reply_to(
        self, channel: dict[str, Any], body: dict[str, Any], reply_to: str
    ) -> None:
        """A query whose reply address is `reply_to` (a URL the design does not declare)."""


@dataclass(frozen=True)
class Hop:
    """One step of the order's journey, as the generated handlers log it."""

    label: str
    service: str  # node id in the original shop design
    message: str
    key: str  # the uuid field that identifies the order in this message
    verb: str = "received"

    @property
    def is_answer(self) -> bool:
        # Answers to a query can come too late: the asker has given up (the flow's
        # timeout_ms) and logs it; such an answer is late, not lost.
        return self.verb == "answered"


LATE_ANSWER = "matches no waiting question"  # what the generated asker logs for a late answer

HOPS = (
    Hop("Orders handled SubmitOrder (http)", "orders", "SubmitOrder", "order_id"),
    Hop("Customers answered GetCustomer", "customers", "GetCustomer", "customer_id"),
    Hop(
        "Orders got the answer in time (reply queue)",
        "orders",
        "GetCustomer",
        "customer_id",
        "answered",
    ),
    Hop("Loyalty handled AddLoyaltyPoints", "loyalty", "AddLoyaltyPoints", "order_id"),
    Hop("Shipping handled OrderCreated", "shipping", "OrderCreated", "order_id"),
    Hop("Notifications handled OrderCreated", "notifications", "OrderCreated", "order_id"),
    Hop(
        "Notifications handled LoyaltyPointsAdded",
        "notifications",
        "LoyaltyPointsAdded",
        "customer_id",
    ),
)


def new_order() -> dict[str, Any]:
    # A fresh customer per order: every hop of one order is then identified by a unique id.
    return {
        "order_id": str(uuid.uuid4()),
        "customer_id": str(uuid.uuid4()),
        "lines": [{"sku": "SKU-1", "qty": 2}],
        "total": "19.90",
    }


@dataclass
class HopCount:
    label: str
    expected: int
    delivered: int
    lost: int
    duplicated: int
    late: int = 0  # answers that arrived after the asker's timeout (answer hops only)


class ShopRun:
    """The shop's services running on one broker, with the names of the (maybe renamed) design."""

    def __init__(
        self, design: Design, services: Services, bus: Bus, node: Callable[[str], str]
    ) -> None:
        self.design = design
        self.services = services
        self.bus = bus
        self.node = node  # original shop node id -> id in this design
        names = ChannelNames(design)
        self.channels = {flow.id: names.channel(flow) for flow in design.flows}
        self.late_baseline = 0
        self.late_baselines: list[int] = []

    @property
    def submit_url(self) -> str:
        return self.submit_urls[0]

    @property
    def submit_urls(self) -> list[str]:
        """SubmitOrder on every running copy of the orders service."""
        path = self.channels["f1"].http_path or ""
        node = self.node("orders")
        return [self.services.url(node, i) + path for i in range(len(self.services[node].copies))]

    def count(
        self, hop: Hop, orders: list[dict[str, Any]], *, last_run_only: bool = False
    ) -> HopCount:
        expected = {order[hop.key] for order in orders}
        process = self.services[self.node(hop.service)]
        seen = process.handled(hop.message, hop.key, hop.verb, last_run_only=last_run_only)
        relevant = {key: n for key, n in seen.items() if key in expected}
        late = process.text().count(LATE_ANSWER) - self.late_baseline if hop.is_answer else 0
        return HopCount(
            hop.label,
            expected=len(expected),
            delivered=len(relevant),
            lost=len(expected - set(relevant)) - late,
            duplicated=sum(n - 1 for n in relevant.values()),
            late=late,
        )

    async def wait_delivered(self, orders: list[dict[str, Any]], timeout: float) -> list[HopCount]:
        """Poll the logs until every hop saw every order (or the time is up)."""
        deadline = time.monotonic() + timeout
        while True:
            counts = [self.count(hop, orders) for hop in HOPS]
            if all(c.lost == 0 for c in counts) or time.monotonic() > deadline:
                # A short grace period lets a duplicate delivery show up before we judge.
                await asyncio.sleep(0.5)
                return [self.count(hop, orders) for hop in HOPS]
            await asyncio.sleep(0.25)

    # -- scenario 1: one order, followed everywhere -----------------------------------
    async def one_order(self) -> dict[str, Any]:
        await self.bus.watch_events(self.channels["f2"])
        order = new_order()
        correlation = str(uuid.uuid4())
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                self.submit_url, json=order, headers={"X-Correlation-Id": correlation}
            )
        assert response.status_code == 202, response.text
        accepted = response.json()
        assert accepted["correlation_id"] == correlation
        counts = await self.wait_delivered([order], timeout=30)
        for count in counts:
            assert (count.delivered, count.duplicated) == (1, 0), count
        # OrderCreated was published once, and reached each subscriber once (counts above).
        await asyncio.sleep(0.3)
        assert self.bus.watched()[order["order_id"]] == 1
        return order

    # -- scenario 2: a query over the broker, answered to the asker's reply address ---------
    async def query_correlation(self) -> None:
        customer = str(uuid.uuid4())
        meta = {
            "message_id": str(uuid.uuid4()),
            "correlation_id": str(uuid.uuid4()),
            "message_type": "GetCustomer",
        }
        answer, answered = await self.bus.ask(
            self.channels["f6"], {"customer_id": customer}, meta, timeout=10
        )
        assert answered["correlation_id"] == meta["correlation_id"]
        assert answered["causation_id"] == meta["message_id"]
        assert answered["message_type"] == "GetCustomerResponse"
        assert answer["customer_id"] == customer  # the body is the response model itself

    def answers_by_replica(self, orders: list[dict[str, Any]]) -> list[dict[str, int]]:
        """Per copy of orders: questions it asked, answers it got in time, answers that came
        after its timeout (logged, dropped), answers of another copy."""
        expected = {order["customer_id"] for order in orders}
        rows = []
        copies = list(self.services[self.node("orders")])
        for copy, baseline in zip(copies, self.late_baselines or [0] * len(copies), strict=True):
            asked = set(copy.handled("SubmitOrder", "customer_id")) & expected
            got = copy.handled("GetCustomer", "customer_id", "answered")
            got_keys = set(got) & expected
            rows.append(
                {
                    "asked": len(asked),
                    "answered": len(got_keys & asked),
                    "late": copy.text().count(LATE_ANSWER) - baseline,
                    "foreign": len(got_keys - asked),
                    "duplicated": sum(got[k] - 1 for k in got_keys),
                }
            )
        return rows

    # -- scenario 3: a burst, with one subscriber stopped and restarted in the middle ------
    async def burst(
        self,
        count: int,
        broker: str,
        stop: str = "shipping",
        concurrency: int = 16,
        restart: bool = True,
        while_stopped: Callable[[], Awaitable[dict[str, Any]]] | None = None,
        crash: bool = False,
    ) -> dict[str, Any]:
        """`while_stopped`: a look at the broker between the stop and the restart (its
        figures go into the report); `crash`: the subscriber is killed (SIGKILL), not
        stopped gracefully."""
        orders = [new_order() for _ in range(count)]
        self.late_baseline = self.services[self.node("orders")].text().count(LATE_ANSWER)
        self.late_baselines = [
            copy.text().count(LATE_ANSWER) for copy in self.services[self.node("orders")]
        ]
        statuses: Counter[int] = Counter()
        stopped = asyncio.Event()
        subscriber = self.services[self.node(stop)]
        semaphore = asyncio.Semaphore(concurrency)
        done = 0

        urls = self.submit_urls

        async def post(client: httpx.AsyncClient, order: dict[str, Any], url: str) -> None:
            nonlocal done
            async with semaphore:
                response = await client.post(url, json=order)
            statuses[response.status_code] += 1
            done += 1
            if done == count // 3:
                stopped.set()

        async def stop_midway() -> None:
            await stopped.wait()
            if restart:
                await asyncio.to_thread(subscriber.kill if crash else subscriber.stop)

        started = time.monotonic()
        # No pooled keep-alive connections: uvicorn closes an idle one after 5 s, and on a
        # busy machine the client can reuse it just as it closes (httpx.ReadError on a
        # request the server never saw). A fresh connection per request has no such race.
        fresh_connections = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=30, limits=fresh_connections) as client:
            stopper = asyncio.create_task(stop_midway())
            await asyncio.gather(
                *(post(client, order, urls[i % len(urls)]) for i, order in enumerate(orders))
            )
            await stopper
        posted = time.monotonic() - started
        # Everything was sent while the subscriber was down for the last two thirds: its
        # durable queue/consumer must hold them until it is back.
        backlog_before_restart = self.count(_hop(stop), orders).delivered
        stopped_figures = await while_stopped() if restart and while_stopped else {}
        if restart:
            subscriber.start()
            await asyncio.to_thread(subscriber.wait_ready)
        counts = await self.wait_delivered(orders, timeout=120)
        wall = time.monotonic() - started
        after_restart = (
            self.count(_hop(stop), orders, last_run_only=True).delivered if restart else 0
        )
        report = {
            "broker": broker,
            "commands": count,
            "replicas": len(urls),
            "answers_by_replica": self.answers_by_replica(orders),
            "http_status": dict(statuses),
            "stopped_and_restarted": stop if restart else "nobody",
            "stopped_by": "SIGKILL" if crash else "SIGTERM",
            "handled_before_stop": backlog_before_restart,
            "delivered_after_restart": after_restart,
            "while_stopped": stopped_figures,
            "posting_seconds": round(posted, 2),
            "wall_seconds": round(wall, 2),
            "hops": [c.__dict__ for c in counts],
            "logs": str(subscriber.project),
        }
        _print_and_save(report)
        return report


def _hop(service: str) -> Hop:
    return next(h for h in HOPS if h.service == service)


def _print_and_save(report: dict[str, Any]) -> None:
    stopped = report["stopped_and_restarted"]
    restart_lines = [
        f"  {stopped}: {report['handled_before_stop']} handled before the stop, "
        f"{report['delivered_after_restart']} delivered from its durable queue after the restart"
    ]
    what_stopped = (
        f"{stopped} stopped ({report['stopped_by']}) after a third and restarted after the last post"
        if stopped != "nobody"
        else "no subscriber stopped"
    )
    restart_lines += [f"  while stopped: {k} {v}" for k, v in report["while_stopped"].items()]
    lines = [
        f"burst on {report['broker']}: {report['commands']} SubmitOrder commands over http "
        f"spread over {report['replicas']} orders replicas (every service runs "
        f"{report['replicas']} copies), {what_stopped}",
        f"  posted in {report['posting_seconds']} s; all delivered after {report['wall_seconds']} s (wall); "
        f"http statuses {report['http_status']}",
        *(restart_lines if stopped != "nobody" else []),
        f"  {'hop':<46} {'expected':>8} {'delivered':>9} {'lost':>5} {'dup':>5} {'late':>5}",
    ]
    for hop in report["hops"]:
        lines.append(
            f"  {hop['label']:<46} {hop['expected']:>8} {hop['delivered']:>9} {hop['lost']:>5}"
            f" {hop['duplicated']:>5} {hop['late'] if hop['late'] else '':>5}"
        )
    if any(hop["late"] for hop in report["hops"]):
        lines.append(
            "  (late: answered after the asker's timeout_ms; the asker logged it and went on)"
        )
    for i, row in enumerate(report["answers_by_replica"], 1):
        lines.append(
            f"  orders replica {i}: asked {row['asked']} GetCustomer, got {row['answered']} "
            f"answers in time, {row['late']} late, {row['foreign']} answers of another "
            f"replica, {row['duplicated']} twice"
        )
    lines.append(f"  service logs: {report['logs']}")
    text = "\n".join(lines)
    report["text"] = text
    print("\n" + text)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"burst-{report['broker']}.txt").write_text(text + "\n", encoding="utf-8")
    (REPORT_DIR / f"burst-{report['broker']}.json").write_text(
        json.dumps(report, indent=2) + "\n", encoding="utf-8"
    )


async def run_all(run: ShopRun, broker: str, burst: int) -> dict[str, Any]:
    await run.one_order()
    await run.query_correlation()
    return await run.burst(burst, broker)
