"""The README's two commands: `msgflow generate ... --target all`, then `sh run-local.sh`.

The script applies the topology to the local RabbitMQ (a scratch vhost here) and starts
every service on its default port; an order posted to Orders then reaches Shipping.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from designer.cli import main
from designer.resources import examples_dir
from tests.support.brokers import ScratchVhost, require_rabbitmqctl
from tests.support.requirements import port_open, require

SHOP = examples_dir() / "shop.msgflow.json"
PORTS = range(8001, 8006)  # the generated services' default ports


def _wait_for(predicate, timeout: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(
        f"{what} within {timeout:g} s; run-local.sh said:\n{log.read_text()[-3000:]}"
    )


@pytest.mark.xdist_group("e2e")
def test_generate_all_then_run_local_serves_the_shop_on_a_local_rabbitmq(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    require_rabbitmqctl()
    busy = [p for p in PORTS if port_open("127.0.0.1", p, timeout=0.2)]
    require(
        not busy,
        f"ports {busy} are in use: run-local.sh starts the services on their default ports",
    )
    out = tmp_path / "shop"
    assert main(["generate", str(SHOP), "-o", str(out), "--target", "all"]) == 0
    capsys.readouterr()
    log = tmp_path / "run-local.log"
    bin_dir = str(Path(sys.executable).parent)  # where `msgflow` is installed
    with ScratchVhost() as vhost, log.open("wb") as sink:
        env = {
            **os.environ,
            "MSGFLOW_BROKER_URL": vhost.url(),
            "PYTHON": sys.executable,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        }
        script = subprocess.Popen(
            ["sh", str(out / "run-local.sh")],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            text = log.read_text
            _wait_for(
                lambda: text().count(" ready") >= 5 and port_open("127.0.0.1", 8004),
                40,
                "5 services ready",
                log,
            )
            # broker apply declared the whole topology first: every object of it was new
            assert re.search(r"changed (\d+) of \1 objects", text()), text()
            assert vhost.queues()["shipping.order-created.dlq"]["type"] == "quorum"
            order_id = str(uuid.uuid4())
            order = {
                "order_id": order_id,
                "customer_id": str(uuid.uuid4()),
                "lines": [],
                "total": "1.00",
            }
            response = httpx.post(
                "http://127.0.0.1:8004/commands/submit-order", json=order, timeout=10
            )
            assert response.status_code == 202
            shipped = re.compile(
                rf"shipping\.handlers: OrderCreated received: order_id=UUID\('{order_id}'\)"
            )
            _wait_for(
                lambda: shipped.search(text()) is not None, 15, "Shipping handled the order", log
            )
        finally:
            os.killpg(script.pid, signal.SIGTERM)
            script.wait(20)
    assert not [p for p in PORTS if port_open("127.0.0.1", p, timeout=0.2)], "services left running"
