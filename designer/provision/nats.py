"""Create a design's JetStream streams and durable consumers on a live NATS server.

The documents sent are exactly the generated `nats/streams/*.json` and
`nats/consumers/*/*.json` (designer/core/brokers/nats.py), through the JetStream JSON API
(`$JS.API.STREAM.INFO/CREATE/UPDATE`, `$JS.API.CONSUMER.INFO/CREATE`), so what the CLI
would create and what `broker apply` creates cannot drift apart.

An existing object is compared with the design on the keys the design sets. A stream
that lacks some of the design's subjects gets them added (an update that loses nothing).
A difference in what the design means — a stream's retention or storage, a consumer's
filter subject, ack policy, or push/pull mode — is a conflict: reported, left alone (the
server refuses most such changes anyway, and the others would lose messages). Any other
difference (a consumer created by a service with its client's default `max_deliver`, say)
is tuning: reported as `differs` and kept, since the broker works as designed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import nats
from nats.aio.client import Client
from nats.errors import Error as NatsError

from designer.core.broker_names import JETSTREAM_NAME_RULE, jetstream_name_ok
from designer.core.broker_urls import redact
from designer.core.brokers.nats import consumer_config, stream_config
from designer.core.topology import JetStreamTopology

from .report import (
    CONFLICT,
    CREATED,
    DIFFERS,
    ERROR,
    EXISTS,
    UNCHANGED,
    UPDATED,
    WOULD_CREATE,
    WOULD_UPDATE,
    ApplyReport,
)

API = "$JS.API"
NOT_FOUND_CODES = {10059, 10014}  # stream not found, consumer not found
# Cosmetic keys, never a reason to call an object different.
IGNORED_KEYS = {"description"}
# Keys whose difference changes what the design means (see the module docstring).
STREAM_MEANING = {"retention", "storage"}
CONSUMER_MEANING = {
    "filter_subject",
    "ack_policy",
    "deliver_subject",
    "deliver_group",
    "durable_name",
}


_BAD_NAME = f"not a valid NATS name ({JETSTREAM_NAME_RULE}): check the flow's channel"


class JetStreamError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code


async def _call(nc: Client, subject: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps(payload).encode() if payload is not None else b""
    reply = await nc.request(f"{API}.{subject}", body, timeout=5)
    answer: dict[str, Any] = json.loads(reply.data)
    if "error" in answer:
        error = answer["error"]
        raise JetStreamError(
            int(error.get("err_code", error.get("code", 0))), str(error.get("description", error))
        )
    return answer


def differences(
    desired: dict[str, Any], existing: dict[str, Any], meaning: set[str]
) -> tuple[list[str], list[str]]:
    """(conflicts, tuning): `key: existing (design: desired)` for each key held differently."""
    conflicts: list[str] = []
    tuning: list[str] = []
    keys = set(desired) | (meaning & set(existing))
    for key in sorted(keys, key=lambda k: list(desired).index(k) if k in desired else len(desired)):
        if key in IGNORED_KEYS or key == "subjects":
            continue
        value = desired.get(key)
        if existing.get(key) != value:
            text = f"{key}: {existing.get(key)!r} (design: {value!r})"
            (conflicts if key in meaning else tuning).append(text)
    return conflicts, tuning


async def _stream(nc: Client, config: dict[str, Any], report: ApplyReport, dry_run: bool) -> bool:
    name = config["name"]
    subjects = ", ".join(config["subjects"])
    try:
        existing = (await _call(nc, f"STREAM.INFO.{name}"))["config"]
    except JetStreamError as error:
        if error.code not in NOT_FOUND_CODES:
            report.add("stream", name, ERROR, str(error))
            return False
        if dry_run:
            report.add("stream", name, WOULD_CREATE, subjects)
            return True
        try:
            await _call(nc, f"STREAM.CREATE.{name}", config)
        except JetStreamError as create_error:
            # e.g. "subjects overlap with an existing stream": someone else owns them.
            report.add("stream", name, CONFLICT, str(create_error))
            return False
        report.add("stream", name, CREATED, subjects)
        return True
    conflicts, tuning = differences(config, existing, STREAM_MEANING)
    if conflicts:
        report.add("stream", name, CONFLICT, "; ".join(conflicts))
        return False
    have = set(existing.get("subjects") or [])
    missing = [s for s in config["subjects"] if s not in have]
    if not missing:
        if tuning:
            report.add("stream", name, DIFFERS, "kept as is: " + "; ".join(tuning))
        else:
            report.add("stream", name, EXISTS if dry_run else UNCHANGED, subjects)
        return True
    if dry_run:
        report.add("stream", name, WOULD_UPDATE, "add subjects " + ", ".join(missing))
        return True
    updated = {**existing, "subjects": sorted(have | set(missing))}
    try:
        await _call(nc, f"STREAM.UPDATE.{name}", updated)
    except JetStreamError as error:
        report.add("stream", name, CONFLICT, str(error))
        return False
    report.add("stream", name, UPDATED, "added subjects " + ", ".join(missing))
    return True


async def _consumer(
    nc: Client, stream: str, config: dict[str, Any], report: ApplyReport, dry_run: bool
) -> None:
    durable = config["durable_name"]
    label = f"{stream}/{durable}"
    try:
        existing = (await _call(nc, f"CONSUMER.INFO.{stream}.{durable}"))["config"]
    except JetStreamError as error:
        if error.code not in NOT_FOUND_CODES:
            report.add("consumer", label, ERROR, str(error))
            return
        if dry_run:
            report.add("consumer", label, WOULD_CREATE, config["filter_subject"])
            return
        try:
            await _call(
                nc, f"CONSUMER.CREATE.{stream}.{durable}", {"stream_name": stream, "config": config}
            )
        except JetStreamError as create_error:
            report.add("consumer", label, CONFLICT, str(create_error))
            return
        report.add("consumer", label, CREATED, config["filter_subject"])
        return
    conflicts, tuning = differences(config, existing, CONSUMER_MEANING)
    if conflicts:
        report.add("consumer", label, CONFLICT, "; ".join(conflicts))
    elif tuning:
        report.add("consumer", label, DIFFERS, "kept as is: " + "; ".join(tuning))
    else:
        report.add("consumer", label, EXISTS if dry_run else UNCHANGED, config["filter_subject"])


async def _connect(url: str) -> Client:
    async def quiet(_error: Exception) -> None:
        # nats-py logs every failed attempt with a traceback by default; the report says it once.
        return None

    # One attempt: nats-py otherwise keeps retrying an unreachable server.
    connecting = nats.connect(
        url,
        connect_timeout=5,
        allow_reconnect=False,
        max_reconnect_attempts=1,
        error_cb=quiet,
    )
    return await asyncio.wait_for(connecting, timeout=15)


async def apply(topology: JetStreamTopology, url: str, *, dry_run: bool = False) -> ApplyReport:
    report = ApplyReport("nats", redact(url), dry_run)
    try:
        nc = await _connect(url)
    except Exception as error:  # every failure to connect is reported the same way
        report.add("broker", redact(url), ERROR, f"cannot connect: {error or type(error).__name__}")
        return report
    try:
        try:
            await _call(nc, "INFO")
        except Exception as error:
            report.add(
                "broker",
                redact(url),
                ERROR,
                f"JetStream is not enabled on this server ({error or 'no answer'})",
            )
            return report
        usable = set()
        try:
            for stream in topology.streams:
                if await _stream(nc, stream_config(stream), report, dry_run):
                    usable.add(stream.name)
            for consumer in topology.consumers:
                label = f"{consumer.stream}/{consumer.durable}"
                if consumer.stream not in usable:
                    report.add("consumer", label, ERROR, "skipped: its stream is in conflict")
                    continue
                if not jetstream_name_ok(consumer.durable):
                    # It is part of the API subject: the client would drop the connection.
                    report.add("consumer", label, ERROR, _BAD_NAME)
                    continue
                await _consumer(nc, consumer.stream, consumer_config(consumer), report, dry_run)
        except (NatsError, TimeoutError, OSError) as error:
            # The server went away or stopped answering midway: say so, stop there.
            report.add(
                "broker", redact(url), ERROR, f"lost the server: {error or type(error).__name__}"
            )
            return report
        if topology.request_subjects:
            report.notes.append(
                "queries use core NATS request/reply, no stream: "
                + ", ".join(topology.request_subjects)
            )
    finally:
        await nc.close()
    return report
