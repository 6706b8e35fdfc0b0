"""Scratch space on the real brokers: unique names per test run, cleaned up afterwards.

RabbitMQ: a throw-away vhost (created and deleted with `rabbitmqctl`, which works here as
root) so parallel workers and reruns never see each other's queues. NATS has no vhosts
on this server, so designs are renamed with a unique prefix instead: every stream,
subject and consumer derives from node and message ids (channels.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

from designer.core.model import Design

from .requirements import require, require_nats, require_rabbitmq


def unique_token(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def prefixed(design: Design, token: str) -> Design:
    """The same design with every node id prefixed: all broker names become unique."""
    data = design.model_dump(by_alias=True, mode="json")
    rename = {n["id"]: f"{token}-{n['id']}" for n in data["nodes"]}
    for node in data["nodes"]:
        node["id"] = rename[node["id"]]
    for message in data["messages"]:
        if message.get("owner") in rename:
            message["owner"] = rename[message["owner"]]
    for flow in data["flows"]:
        flow["from"], flow["to"] = rename[flow["from"]], rename[flow["to"]]
        if flow.get("reply") and not flow["reply"].startswith("/"):
            flow["reply"] = f"{token}-{flow['reply']}"
    positions = data["layout"]["nodes"]
    data["layout"]["nodes"] = {rename.get(k, k): v for k, v in positions.items()}
    return Design.model_validate(data)


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=False
    )


def require_rabbitmqctl() -> None:
    require_rabbitmq()
    require(
        shutil.which("rabbitmqctl") is not None, "`rabbitmqctl` not found on PATH (scratch vhosts)"
    )
    probe = rabbitmqctl("list_vhosts", "--quiet")
    require(
        probe.returncode == 0,
        f"`rabbitmqctl` cannot talk to the broker: {probe.stderr.strip()[:200]}",
    )


class ScratchVhost:
    """A vhost that exists for one test, with guest allowed on it."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or unique_token("msgflow-test-")

    def __enter__(self) -> ScratchVhost:
        created = rabbitmqctl("add_vhost", self.name)
        assert created.returncode == 0, created.stderr
        allowed = rabbitmqctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        assert allowed.returncode == 0, allowed.stderr
        return self

    def url(self, user: str = "guest", password: str = "guest") -> str:
        return f"amqp://{user}:{password}@127.0.0.1:5672/{self.name}"

    def queues(self) -> dict[str, dict[str, object]]:
        """Queue name -> {type, arguments, messages} as the broker reports them."""
        listed = rabbitmqctl(
            "list_queues",
            "-p",
            self.name,
            "name",
            "type",
            "arguments",
            "messages",
            "--formatter",
            "json",
            "--quiet",
        )
        assert listed.returncode == 0, listed.stderr
        return {q["name"]: q for q in json.loads(listed.stdout or "[]")}

    def __exit__(self, *exc: object) -> None:
        rabbitmqctl("delete_vhost", self.name)


async def delete_nats_prefix(url: str, token: str) -> None:
    """Delete every JetStream stream whose name starts with the token (consumers go with it)."""
    import nats

    nc = await nats.connect(url, connect_timeout=3, allow_reconnect=False)
    try:
        js = nc.jsm()
        for info in await js.streams_info():
            if info.config.name and info.config.name.startswith(token.upper().replace("-", "_")):
                await js.delete_stream(info.config.name)
    finally:
        await nc.close()


__all__ = [
    "ScratchVhost",
    "delete_nats_prefix",
    "prefixed",
    "require_nats",
    "require_rabbitmqctl",
    "unique_token",
]
