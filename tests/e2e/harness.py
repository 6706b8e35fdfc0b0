"""Running a generated project's services as real processes, and reading what they handled.

The generated handlers log every message they handle (`<Message> received: <fields>`,
and `<Query> answered: <fields>` for answers to queries), so the logs of the service
processes are the record of what was delivered where; nothing in the generated code is
changed for the test.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from designer.cli import main
from designer.core import io
from designer.core.codegen.context_builder import build_context
from designer.core.model import Design

# `shipping.handlers: OrderCreated received: order_id=UUID('…') customer_id=UUID('…') …`
_HANDLED = re.compile(
    r" (?P<logger>[\w.]+)\.handlers: (?P<message>\w+) (?P<verb>received|answered): (?P<fields>.*)$"
)
_UUID_FIELD = re.compile(r"(?P<name>\w+)=UUID\('(?P<value>[0-9a-f-]{36})'\)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def generate(design: Design, folder: Path, broker: str) -> Path:
    """`msgflow generate DESIGN -o folder --target python --broker B`, as a user runs it."""
    design_path = folder / "design.msgflow.json"
    io.save(design, design_path)
    out = folder / "project"
    code = main(
        ["generate", str(design_path), "-o", str(out), "--target", "python", "--broker", broker]
    )
    assert code == 0, f"msgflow generate exited {code}"
    return out


def packages(design: Design, broker: str) -> dict[str, str]:
    """Node id -> the Python package the generator wrote for it."""
    return {s.id: s.package for s in build_context(design, broker).services}


@dataclass
class ServiceProcess:
    """One generated service, run with `python -m <package>` from the project folder."""

    package: str
    slug: str
    project: Path
    env: dict[str, str]
    http_port: int | None = None  # set when the service serves http routes
    logs: list[Path] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port = self.env.get("MSGFLOW_HTTP_PORT", "")
        log = self.project / f"{self.package}.{port}.run{len(self.logs) + 1}.log"
        self.logs.append(log)
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.package],
                cwd=self.project,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until the service logs `<slug> ready` (its broker subscriptions are up)."""
        marker = f"{self.slug}: {self.slug} ready"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.logs[-1].read_text(errors="replace") and self._listening():
                return
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.1)
        tail = self.logs[-1].read_text(errors="replace")[-3000:]
        raise AssertionError(f"{self.package} did not get ready within {timeout:g} s:\n{tail}")

    def _listening(self) -> bool:
        if self.http_port is None:
            return True
        try:
            with socket.create_connection(("127.0.0.1", self.http_port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (a graceful stop, as an orchestrator does), SIGKILL if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def kill(self) -> None:
        """SIGKILL: a crash, nothing finished or acknowledged on the way out."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.kill()
        self.process.wait(10)

    def text(self) -> str:
        return "".join(log.read_text(errors="replace") for log in self.logs if log.exists())

    def handled(
        self, message: str, key: str, verb: str = "received", *, last_run_only: bool = False
    ) -> Counter[str]:
        """How many times each `key` value (a uuid field) of `message` was handled."""
        seen: Counter[str] = Counter()
        text = self.logs[-1].read_text(errors="replace") if last_run_only else self.text()
        for line in text.splitlines():
            match = _HANDLED.search(line)
            if not match or match["message"] != message or match["verb"] != verb:
                continue
            values = {m["name"]: m["value"] for m in _UUID_FIELD.finditer(match["fields"])}
            if key in values:
                seen[values[key]] += 1
        return seen


class Replicas:
    """The running copies of one service: started, stopped and read together."""

    def __init__(self, copies: list[ServiceProcess]) -> None:
        self.copies = copies
        self.project = copies[0].project

    def __iter__(self) -> Iterator[ServiceProcess]:
        return iter(self.copies)

    def start(self) -> None:
        for copy in self.copies:
            copy.start()

    def wait_ready(self, timeout: float = 60.0) -> None:
        for copy in self.copies:
            copy.wait_ready(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        for copy in self.copies:
            copy.stop(timeout)

    def kill(self) -> None:
        for copy in self.copies:
            copy.kill()

    def text(self) -> str:
        return "".join(copy.text() for copy in self.copies)

    def handled(
        self, message: str, key: str, verb: str = "received", *, last_run_only: bool = False
    ) -> Counter[str]:
        seen: Counter[str] = Counter()
        for copy in self.copies:
            seen += copy.handled(message, key, verb, last_run_only=last_run_only)
        return seen


class Services:
    """Every generated service of a design (`replicas` processes of each), always stopped."""

    def __init__(
        self,
        design: Design,
        broker: str,
        project: Path,
        broker_url: str,
        replicas: int = 1,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        context = build_context(design, broker)
        self.by_id: dict[str, Replicas] = {}
        self.http_ports: dict[str, list[int]] = {}
        ports = {s.id: [free_port() for _ in range(replicas)] for s in context.services}
        # Calls between services go to the first copy of each.
        peers = {
            f"MSGFLOW_{s.package.upper()}_URL": f"http://127.0.0.1:{ports[s.id][0]}"
            for s in context.services
        }
        for service in context.services:
            copies = []
            for port in ports[service.id]:
                env = {
                    "MSGFLOW_BROKER_URL": broker_url,
                    "MSGFLOW_HTTP_PORT": str(port),
                    **peers,
                    **(extra_env or {}),
                }
                http_port = port if service.serves_http else None
                copies.append(
                    ServiceProcess(service.package, service.slug, project, env, http_port)
                )
            self.by_id[service.id] = Replicas(copies)
            self.http_ports[service.id] = ports[service.id]

    def __getitem__(self, node_id: str) -> Replicas:
        return self.by_id[node_id]

    def url(self, node_id: str, copy: int = 0) -> str:
        return f"http://127.0.0.1:{self.http_ports[node_id][copy]}"

    def __enter__(self) -> Services:
        try:
            for service in self.by_id.values():
                service.start()
            for service in self.by_id.values():
                service.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for service in self.by_id.values():
            service.stop()


def wait_logged(service: Replicas, text: str, timeout: float = 60.0) -> str:
    """The first log line of `service` containing `text` (waits for it to be written)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in service.text().splitlines():
            if text in line:
                return line
        time.sleep(0.1)
    raise AssertionError(f"no log line with {text!r}:\n{service.text()[-3000:]}")


# What the generated failure policy logs when a flow without dead-lettering gives up.
DROPPED = "times: dropped (dead_letter: false in the design): "
