"""The campaign's broker source: hostile names through `msgflow broker apply` on the real
RabbitMQ and NATS of this machine (tests/fuzz/broker_names.py makes the designs).

Each document gets a fresh RabbitMQ vhost (removed afterwards) and a unique prefix on every
NATS name (its streams removed afterwards), and holds /tmp/brokers.lock while it runs, as
the broker tests do. `observe --url` watches one of them (RabbitMQ, NATS or Redis) for a second with the same
design. Checked, beyond the campaign's usual promises: a refusal (exit 2)
declares nothing; otherwise every queue and exchange in the vhost, and every stream with
the prefix, is one the report names as created, updated or already there.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import random
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.fuzz.broker_names import hostile_design
from tests.support.brokers import ScratchVhost, rabbitmqctl, unique_token

NATS_URL = "nats://127.0.0.1:4222"
PRESENT = {"created", "updated", "unchanged", "ensured", "differs", "exists"}


class Brokers:
    lock = Path("/tmp/brokers.lock")

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self.lock.open("a") as handle:
            # Waiting for another session's broker tests is no hang of msgflow: the
            # campaign's per-document alarm, set before the document began, is paused
            # meanwhile (`one` restarts it once the brokers are ours). Seed 8101 reported a
            # "hang" while a pytest held the lock for two minutes.
            left = signal.alarm(0)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            finally:
                if left:
                    signal.alarm(left)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _rabbit_objects(vhost: str) -> set[str]:
    names: set[str] = set()
    for what in ("list_queues", "list_exchanges"):
        listed = rabbitmqctl(what, "-p", vhost, "name", "--formatter", "json", "--quiet")
        names |= {o["name"] for o in json.loads(listed.stdout or "[]")}
    # Every vhost has the default exchange and the amq.* ones.
    return {n for n in names if n and not n.startswith("amq.")}


async def _nats_streams(token: str, delete: bool) -> set[str]:
    import nats

    prefix = token.upper().replace("-", "_")
    nc = await nats.connect(NATS_URL, connect_timeout=3, allow_reconnect=False)
    try:
        js = nc.jsm()
        names = {i.config.name for i in await js.streams_info() if i.config.name}
        ours = {n for n in names if n.startswith(prefix)}
        if delete:
            for name in ours:
                await js.delete_stream(name)
        return ours
    finally:
        await nc.close()


def _reported(stdout: str) -> set[str]:
    try:
        objects: list[dict[str, Any]] = json.loads(stdout)["objects"]
    except (ValueError, KeyError, TypeError):
        return set()
    return {o["name"] for o in objects if o["action"] in PRESENT}


def one(campaign: Any, rng: random.Random, brokers: Brokers) -> None:
    token = unique_token("fz")
    label, data, bare = hostile_design(rng, token)
    campaign.label = f"broker: {label}"
    tag = "broker/" + ("node" if "node " in label else "channel")
    with tempfile.TemporaryDirectory(prefix="fuzz-long-") as name, brokers.held():
        # Waiting for another user of the brokers is no hang of msgflow: the document's
        # time starts once the brokers are ours.
        if campaign.timeout:
            signal.alarm(campaign.timeout)
        folder = Path(name)
        (folder / "design.msgflow.json").write_bytes(data)
        with ScratchVhost(f"msgflow-fuzz-{token}") as vhost:
            for args in (
                ("--url", vhost.url(), "--dry-run"),
                ("--url", vhost.url()),
                ("--url", NATS_URL, "--dry-run"),
            ):
                command = ("broker", "apply", "design.msgflow.json", *args, "--format", "json")
                code = campaign.check(folder, command, data, "broker", tag, True)
                kind = "nats" if args[1] == NATS_URL else "amqp"
                kind += " dry-run" if "--dry-run" in args else " apply"
                campaign.outcomes[f"{kind}: exit {code}"] += 1
                if code is None or "--dry-run" in args:
                    continue
                present = _rabbit_objects(vhost.name)
                if code == 2 and present:
                    campaign.fail("broker apply: refused yet declared", tag, data, str(present))
                unexplained = present - _reported(campaign.last_out)
                if code != 2 and unexplained:
                    campaign.fail(
                        "broker apply: objects on the broker the report does not name",
                        tag,
                        data,
                        str(sorted(unexplained)[:20]),
                    )
            # Watching a live broker with the same design (what `observe` subscribes to
            # comes from the same names).
            url = rng.choice([vhost.url(), NATS_URL, "redis://127.0.0.1:6379/0"])
            watch = ("observe", "design.msgflow.json", "--url", url, "--duration", "1")
            code = campaign.check(folder, (*watch, "--format", "json"), data, "broker", tag, True)
            campaign.outcomes[f"observe {url.split(':')[0]}: exit {code}"] += 1
        # NATS for real only when every name carries the token: a bare hostile node id
        # could name a stream another test owns on the shared server.
        if bare:
            return
        command = ("broker", "apply", "design.msgflow.json", "--url", NATS_URL)
        code = campaign.check(folder, (*command, "--format", "json"), data, "broker", tag, True)
        campaign.outcomes[f"nats apply: exit {code}"] += 1
        try:
            present = asyncio.run(_nats_streams(token, delete=True))
        except Exception as error:  # the check's own connection: noted, not msgflow's fault
            campaign.fail(f"harness: nats listing: {type(error).__name__}", tag, data, str(error))
            return
        if code == 2 and present:
            campaign.fail("broker apply (nats): refused yet declared", tag, data, str(present))
        unexplained = present - _reported(campaign.last_out)
        if code not in (2, None) and unexplained:
            campaign.fail(
                "broker apply (nats): streams the report does not name",
                tag,
                data,
                str(sorted(unexplained)),
            )
