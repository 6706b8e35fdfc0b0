"""Outside requirements of some tests (a broker, Node, Chromium).

On a workstation a missing requirement skips the test with a clear reason; in CI (`CI`
set) it fails, so a broken CI machine never passes by skipping everything.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def require(condition: bool, reason: str) -> None:
    """Skip (workstation) or fail (CI) when `condition` is false."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_port(name: str, host: str, port: int) -> None:
    require(port_open(host, port), f"{name} is not answering on {host}:{port}")


def require_rabbitmq() -> None:
    require_port("RabbitMQ", "127.0.0.1", 5672)


def require_nats() -> None:
    require_port("NATS", "127.0.0.1", 4222)


def require_redis() -> None:
    require_port("Redis", "127.0.0.1", 6379)


def require_executable(name: str, why: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"`{name}` not found on PATH ({why})")
    assert path is not None
    return path
