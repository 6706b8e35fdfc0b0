"""The generated runtime's failure policy, idempotency, reply matching and callback
refusal, in memory (FastStream's test brokers) on Kafka and Redis, which have no broker on
this machine. RabbitMQ and NATS run the same behaviour for real in tests/e2e/.

A test file is added to a freshly generated shop project, as its user would, and the
project's pytest runs it in a subprocess.
"""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from designer.cli import main
from designer.core import io
from designer.core.codegen.context_builder import build_context
from designer.resources import examples_dir
from tests.support.generated_project import project_pytest, run_in

SHOP = examples_dir() / "shop.msgflow.json"

_TEST = """
import logging
import uuid
from typing import Any

import pytest
from faststream.{module} import {test_broker}

import msgflow_runtime
from customers.app import create_service as create_customers
from loyalty.app import create_service as create_loyalty
from notifications.app import create_service as create_notifications
from msgflow_runtime import INSTANCE, Delivery, MessageContext, Replies, outgoing

COMMAND = {command!r}
QUERY = {query!r}
EVENT = {event!r}  # LoyaltyPointsAdded to Notifications: dead_letter false in the shop
# FastStream's in-memory Redis keeps pending entries by correlation id: a dead letter
# consumed in the same test broker would acknowledge the original's entry. Kafka only.
SPY_DEAD_LETTERS = {spy}


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(msgflow_runtime, "RETRY_BASE_S", 0.0)


def command() -> dict[str, Any]:
    return {{"customer_id": str(uuid.uuid4()), "order_id": str(uuid.uuid4()), "points": 3}}


def handled(caplog: pytest.LogCaptureFixture, order_id: str) -> int:
    return sum(
        1 for r in caplog.records if "AddLoyaltyPoints received" in r.getMessage() and order_id in r.getMessage()
    )


async def test_poison_is_retried_then_dead_lettered_and_the_next_message_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    service = create_loyalty()
    dead: list[dict[str, Any]] = []
    if SPY_DEAD_LETTERS:

        @service.broker.subscriber({dlq_target}, no_reply=True)
        async def dlq(body: Any, delivery: Delivery) -> None:
            dead.append(dict(delivery.headers))

    good = command()
    async with {test_broker}(service.broker) as broker:
        await broker.publish({{"points": "many"}}, {command_target}, headers={{"message_id": "poison-1"}})
        await broker.publish(good, {command_target})
    if SPY_DEAD_LETTERS:
        assert [h["message_id"] for h in dead] == ["poison-1"]
        assert "ValidationError" in dead[0]["dead_letter_reason"]
    assert f"AddLoyaltyPoints poison-1 failed 5 times: dead-lettered to {{COMMAND}}.dlq" in caplog.text
    retried = [r for r in caplog.records if "poison-1" in r.getMessage() and "retried in" in r.getMessage()]
    assert len(retried) == msgflow_runtime.DELIVERY_ATTEMPTS - 1
    assert handled(caplog, good["order_id"]) == 1


async def test_a_flow_without_dead_lettering_drops_the_poison_with_a_logged_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    service = create_notifications()
    dead: list[dict[str, Any]] = []
    if SPY_DEAD_LETTERS:

        @service.broker.subscriber({event_dlq_target}, no_reply=True)
        async def dlq(body: Any, delivery: Delivery) -> None:
            dead.append(dict(delivery.headers))

    good = {{"customer_id": str(uuid.uuid4()), "points": 3, "balance": 10}}
    async with {test_broker}(service.broker) as broker:
        await broker.publish({{"points": "many"}}, {event_target}, headers={{"message_id": "poison-2"}})
        await broker.publish(good, {event_target})
    dropped = [r for r in caplog.records if "poison-2" in r.getMessage() and "dropped" in r.getMessage()]
    assert len(dropped) == 1, caplog.text
    line = dropped[0].getMessage()
    assert line.startswith("LoyaltyPointsAdded poison-2 failed 5 times: dropped"), line
    assert "ValidationError" in line  # the reason
    assert "dead-lettered" not in caplog.text
    assert dead == []
    received = [r for r in caplog.records if "LoyaltyPointsAdded received" in r.getMessage()]
    assert [good["customer_id"] in r.getMessage() for r in received] == [True]


async def test_the_handlers_faststream_dependencies_run_for_every_message() -> None:
    from faststream import Context, Depends

    from loyalty._generated import Service
    from loyalty.defaults import DefaultHandlers

    seen: list[str] = []

    def record(headers: dict[str, Any] = Context("message.headers")) -> None:
        seen.append(str(headers.get("message_id")))

    class Mine(DefaultHandlers):
        dependencies = (Depends(record),)  # what a user sets in handlers.py

    service = Service(Mine)
    async with {test_broker}(service.broker) as broker:
        for message_id in ("dep-1", "dep-2"):
            await broker.publish(command(), {command_target}, headers={{"message_id": message_id}})
    assert [m for m in seen if m.startswith("dep-")] == ["dep-1", "dep-2"], seen


async def test_an_idempotent_command_sent_twice_is_handled_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    service = create_loyalty()
    same = command()
    async with {test_broker}(service.broker) as broker:
        for _ in range(2):
            await broker.publish(same, {command_target}, headers={{"message_id": "once-1"}})
    assert handled(caplog, same["order_id"]) == 1
    assert "AddLoyaltyPoints once-1 already handled: duplicate skipped" in caplog.text


async def test_a_reply_to_url_the_design_does_not_declare_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = create_customers()
    async with {test_broker}(service.broker) as broker:
        await broker.publish(
            {{"customer_id": str(uuid.uuid4())}}, {query_target}, reply_to="http://169.254.169.254/x"
        )
    assert "is not a callback the design declares: refused" in caplog.text


async def test_answers_go_only_to_the_question_of_this_instance(caplog: pytest.LogCaptureFixture) -> None:
    replies = Replies()
    question = outgoing(None, "GetCustomer", "replies")
    waiting = replies.expect(question)
    answer = {{"customer_id": "c"}}
    other = MessageContext("a1", question.correlation_id, question.message_id, None, "another")
    assert not replies.resolve(answer, other)  # meant for another replica: not ours
    assert not waiting.done()
    unknown = MessageContext("a2", "x", "no-such-question", None, INSTANCE)
    assert not replies.resolve(answer, unknown)
    assert "matches no waiting question" in caplog.text
    mine = MessageContext("a3", question.correlation_id, question.message_id, None, INSTANCE)
    assert replies.resolve(answer, mine)
    assert waiting.result() == answer
    assert not replies.resolve(answer, mine)  # a second (late) copy is dropped, logged
"""


def _target(broker: str, name: str) -> str:
    return f"stream={name!r}" if broker == "redis" else repr(name)


@pytest.mark.slow
@pytest.mark.parametrize("broker", ["kafka", "redis"])
def test_generated_runtime_in_memory(tmp_path: Path, broker: str) -> None:
    out = tmp_path / "shop"
    assert main(["generate", str(SHOP), "-o", str(out), "--broker", broker]) == 0
    services = {s.id: s for s in build_context(io.load(SHOP), broker).services}
    command = services["loyalty"].subscribers[0].channel.topic
    query = services["customers"].subscribers[0].channel.topic
    (added,) = [
        s for s in services["notifications"].subscribers if s.message.name == "LoyaltyPointsAdded"
    ]
    assert not added.dead_letter  # the shop says so; the test below relies on it
    event = added.channel.topic
    module = {"kafka": "kafka", "redis": "redis"}[broker]
    text = _TEST.format(
        module=module,
        test_broker=f"Test{module.title()}Broker",
        command=command,
        query=query,
        command_target=_target(broker, command),
        query_target=_target(broker, query),
        dlq_target=_target(broker, command + ".dlq"),
        event=event,
        event_target=_target(broker, event),
        event_dlq_target=_target(broker, event + ".dlq"),
        spy=broker == "kafka",
    )
    (out / "tests" / "test_runtime_policies.py").write_text(text, encoding="utf-8")
    result = run_in(out, project_pytest("tests/test_runtime_policies.py"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "6 passed" in result.stdout


def _generated_runtime(tmp_path: Path, broker: str) -> Any:
    """The msgflow_runtime module of a freshly generated shop project, imported here."""
    out = tmp_path / "shop"
    assert main(["generate", str(SHOP), "-o", str(out), "--broker", broker]) == 0
    spec = importlib.util.spec_from_file_location(
        f"h12_runtime_{broker}", out / "msgflow_runtime.py"
    )
    assert spec is not None and spec.loader is not None
    runtime = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runtime)
    return runtime


async def _copy_while_another_delivery_holds(
    runtime: Any, seen: Any, outcome: str, message_id: str = "m"
) -> list[str]:
    """A delivery claims `message_id` (and then succeeds, fails, or its process dies:
    `outcome`) while a copy of it goes through `once`; what the copy's handler did."""
    calls: list[str] = []

    async def handle() -> None:
        calls.append("handled")

    assert await seen.claim(message_id)  # the first delivery is being handled
    copy = asyncio.create_task(
        runtime.once(seen, SimpleNamespace(message_id=message_id), "Cmd", handle)
    )
    await asyncio.sleep(0.1)
    assert calls == [] and not copy.done()  # neither handled nor skipped while in progress
    if outcome == "succeeded":
        await seen.handled(message_id)
    elif outcome == "failed":
        await seen.release(message_id)
    await asyncio.wait_for(copy, 10)
    return calls


@pytest.mark.parametrize(("outcome", "copy_handled"), [("succeeded", False), ("failed", True)])
def test_a_copy_of_a_message_still_being_handled_waits_for_the_outcome(
    tmp_path: Path, outcome: str, copy_handled: bool
) -> None:
    """The in-memory default store: a copy is skipped only once its id is handled; while
    the first delivery runs it waits, and is handled if that delivery failed."""
    runtime = _generated_runtime(tmp_path, "rabbitmq")
    runtime.BUSY_PAUSE_S = 0.02
    calls = asyncio.run(
        _copy_while_another_delivery_holds(runtime, runtime.SeenMessages(), outcome)
    )
    assert calls == (["handled"] if copy_handled else [])


def test_a_copy_of_a_message_whose_holder_never_ends_is_retried_not_acknowledged(
    tmp_path: Path,
) -> None:
    runtime = _generated_runtime(tmp_path, "rabbitmq")
    runtime.BUSY_PAUSE_S = 0.02
    seen = runtime.SeenMessages()
    seen.busy_wait_s = 0.1

    async def go() -> None:
        assert await seen.claim("m")
        await runtime.once(seen, SimpleNamespace(message_id="m"), "Cmd", asyncio.sleep)

    with pytest.raises(runtime.StillHandlingError):  # the failure policy retries it later
        asyncio.run(go())


def test_a_dedup_claim_of_a_process_killed_while_handling_frees_itself(tmp_path: Path) -> None:
    """The shared (Redis) de-duplication store: a claim is a lease until the handler
    succeeded, so a message whose process died mid-handling is handled when it comes
    again, even at once (RabbitMQ redelivers a dead connection's messages immediately),
    not skipped as a duplicate."""
    from tests.support.requirements import require_redis

    require_redis()
    runtime = _generated_runtime(tmp_path, "redis")
    runtime.BUSY_PAUSE_S = 0.05
    prefix = f"msgflow:test:{uuid.uuid4().hex}:"

    async def go() -> tuple[list[bool], list[str], list[str]]:
        seen = runtime.RedisSeenMessages("redis://127.0.0.1:6379", prefix=prefix, lease_s=0.3)
        try:
            first = await seen.claim("m1")  # a process takes m1 ... and is killed
            copy_meanwhile = await seen.claim("m1")  # a copy while it may still be handling
            await asyncio.sleep(0.6)
            after_the_crash = await seen.claim("m1")  # delivered again later: handled
            await seen.handled("m1")
            await asyncio.sleep(0.6)
            duplicate_later = await seen.claim("m1")  # handled: a later copy is skipped
            await seen.release("m1")
            # Redelivered at once, within the dead holder's lease: handled once it lapses.
            crashed = await _copy_while_another_delivery_holds(runtime, seen, "died")
            succeeded = await _copy_while_another_delivery_holds(runtime, seen, "succeeded", "m2")
            await seen.release("m")
            await seen.release("m2")
            return [first, copy_meanwhile, after_the_crash, duplicate_later], crashed, succeeded
        finally:
            await seen._redis.aclose()

    claims, crashed, succeeded = asyncio.run(go())
    assert claims == [True, False, True, False]
    assert crashed == ["handled"]
    assert succeeded == []


class _Recorder:
    """Stands in for a Redis client: the entries it was asked to add."""

    def __init__(self) -> None:
        self.added: list[tuple[str, dict[str, Any]]] = []

    async def xadd(self, stream: str, fields: dict[str, Any]) -> bytes:
        self.added.append((stream, fields))
        return b"1-0"


def test_redis_entries_carry_the_bare_body_and_a_field_per_header(tmp_path: Path) -> None:
    """What a generated Redis service writes on the real broker (tests/e2e reads it back
    with a plain client): the model's JSON in `__data__`, no frame, ids in fields."""
    from faststream.redis import RedisBroker
    from pydantic import BaseModel

    runtime = _generated_runtime(tmp_path, "redis")

    class Points(BaseModel):
        order_id: str
        data: str  # a field named like FastStream's old JSON envelope key

    async def go() -> list[tuple[str, dict[str, Any]]]:
        entries = runtime.StreamEntries("redis://127.0.0.1:1")  # never connected
        recorder = _Recorder()
        entries._client = recorder  # as open() would, with a client that records
        publisher = entries.publisher(RedisBroker("redis://127.0.0.1:1"), "points", Points)
        meta = runtime.outgoing(runtime.MessageContext.new("corr-1"), "Points", "answers.x")
        await publisher.publish(Points(order_id="o-1", data="d"), **meta.publish_kwargs())
        return recorder.added

    ((stream, fields),) = asyncio.run(go())
    assert stream == "points"
    assert fields["__data__"] == b'{"order_id":"o-1","data":"d"}'
    assert fields["correlation_id"] == "corr-1"
    assert fields["message_type"] == "Points"
    assert fields["reply_to"] == "answers.x"
    assert {"message_id", "causation_id", "reply_instance"} <= set(fields)
    assert not any(isinstance(v, bytes) and v.startswith(b"\x89BIN") for v in fields.values())


def test_redis_a_plain_entrys_fields_are_read_back_as_headers_and_its_body_as_written(
    tmp_path: Path,
) -> None:
    runtime = _generated_runtime(tmp_path, "redis")
    raw = {
        "type": "stream",
        "channel": b"points",
        "data": {b"__data__": b'{"data": "d"}', b"message_id": b"m-1", b"reply_to": b"r.1"},
    }

    async def faststream_parser(message: Any) -> Any:
        # FastStream reads only `__data__`, and takes a body with a `data` key for its
        # old JSON envelope: the body it returns is that key's value.
        return SimpleNamespace(
            body=b"d", headers={}, reply_to="", correlation_id="fresh", message_id="fresh"
        )

    parsed = asyncio.run(runtime.stream_entry(raw, faststream_parser))
    assert parsed.body == b'{"data": "d"}'
    assert parsed.headers == {"message_id": "m-1", "reply_to": "r.1"}
    assert (parsed.message_id, parsed.reply_to) == ("m-1", "r.1")


def test_redis_in_memory_nothing_goes_to_a_real_redis_even_with_the_entries_open(
    tmp_path: Path,
) -> None:
    """Under TestRedisBroker (with TestApp, which runs the startup hook opening the
    entries) a publish goes through FastStream's in-memory broker, not the Redis client."""
    from faststream.redis import RedisBroker, TestRedisBroker
    from pydantic import BaseModel

    runtime = _generated_runtime(tmp_path, "redis")

    class Points(BaseModel):
        order_id: str

    async def go() -> tuple[list[str], list[tuple[str, dict[str, Any]]]]:
        broker = RedisBroker("redis://127.0.0.1:1")
        entries = runtime.StreamEntries("redis://127.0.0.1:1")
        recorder = _Recorder()
        entries._client = recorder
        publisher = entries.publisher(broker, "points", Points)
        got: list[str] = []

        @broker.subscriber(stream="points")
        async def spy(message: Points) -> None:
            got.append(message.order_id)

        async with TestRedisBroker(broker):
            meta = runtime.outgoing(None, "Points")
            await publisher.publish(Points(order_id="o-2"), **meta.publish_kwargs())
            assert runtime.in_memory(broker)
        assert not runtime.in_memory(broker)
        return got, recorder.added

    got, added = asyncio.run(go())
    assert got == ["o-2"] and added == []
