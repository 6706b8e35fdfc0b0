"""The generated definitions.json, imported by RabbitMQ itself (`rabbitmqctl import_definitions`)."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

from designer.core.brokers import rabbitmq
from designer.core.model import Design
from tests.support.brokers import rabbitmqctl, require_rabbitmqctl, unique_token

# Imports definitions into the real RabbitMQ and waits for the queues: `make test` only.
pytestmark = pytest.mark.slow


def _wait_for_queues(vhost: str, count: int, timeout: float = 20.0) -> list[dict[str, object]]:
    # The import is asynchronous: queues appear shortly after the command returns.
    deadline = time.monotonic() + timeout
    queues: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        listed = rabbitmqctl(
            "list_queues",
            "-p",
            vhost,
            "name",
            "type",
            "arguments",
            "--formatter",
            "json",
            "--quiet",
        )
        if listed.returncode == 0:
            queues = json.loads(listed.stdout or "[]")
            if len(queues) >= count:
                return queues
        time.sleep(0.3)
    return queues


def test_rabbitmq_imports_the_definitions_vhost_user_queues_and_bindings(shop: Design) -> None:
    require_rabbitmqctl()
    scratch = unique_token("msgflow-test-")
    settings = {"vhost": scratch, "user": scratch, "password": "pw-" + scratch}
    # rabbitmqctl runs as the broker's own user (Debian's wrapper switches to it), which
    # cannot enter pytest's private tmp dir, and its "-" (stdin) is refused in 3.10: so a
    # world-readable file in /tmp, removed afterwards.
    handle, name = tempfile.mkstemp(prefix=scratch, suffix=".json")
    os.close(handle)
    path = Path(name)
    path.chmod(0o644)
    path.write_text(rabbitmq.definitions_json(shop, settings), encoding="utf-8")
    expected = json.loads(path.read_text())
    try:
        imported = rabbitmqctl("import_definitions", str(path))
        assert imported.returncode == 0, imported.stderr
        queues = {q["name"]: q for q in _wait_for_queues(scratch, len(expected["queues"]))}
        assert set(queues) == {q["name"] for q in expected["queues"]}
        assert queues["shipping.order-created"]["type"] == "quorum"
        bindings = rabbitmqctl(
            "list_bindings",
            "-p",
            scratch,
            "source_name",
            "destination_name",
            "routing_key",
            "--formatter",
            "json",
            "--quiet",
        )
        listed = {
            (b["source_name"], b["destination_name"], b["routing_key"])
            for b in json.loads(bindings.stdout)
        }
        assert ("orders.events", "shipping.order-created", "order-created") in listed
        assert ("msgflow.dlx", "shipping.order-created.dlq", "shipping.order-created") in listed
        # The user it defines can log in with the configured password: the hash is right.
        login = rabbitmqctl("authenticate_user", scratch, "pw-" + scratch)
        assert login.returncode == 0, login.stderr + login.stdout
    finally:
        rabbitmqctl("delete_vhost", scratch)
        rabbitmqctl("delete_user", scratch)
        path.unlink(missing_ok=True)
