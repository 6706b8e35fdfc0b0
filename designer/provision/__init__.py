"""Live broker provisioning (`msgflow broker apply`): network I/O, so outside `designer.core`.

The topology comes from `designer.core.topology`; this package only talks to
brokers: RabbitMQ over AMQP (aio-pika), NATS over the JetStream API (nats-py).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from designer.core.model import Design
from designer.core.topology import QUORUM, build_amqp, build_jetstream

from .report import ApplyReport

SCHEMES = {"amqp": "rabbitmq", "amqps": "rabbitmq", "nats": "nats", "tls": "nats"}


class UnsupportedUrlError(ValueError):
    pass


_USAGE = "use amqp://user:password@host:5672/vhost (RabbitMQ) or nats://host:4222 (NATS JetStream)"


def broker_of(url: str) -> str:
    """`rabbitmq` or `nats`, from the URL's scheme; UnsupportedUrlError for anything else."""
    shown = re.sub(r"(//[^/@]*?:)[^/@]*@", r"\1***@", url)  # never echo a password
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port that is not 0..65535
    except ValueError as error:
        raise UnsupportedUrlError(f"malformed broker URL '{shown}': {error}; {_USAGE}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsupportedUrlError(f"unsupported broker URL '{shown}': {_USAGE}")
    if not parts.hostname:
        raise UnsupportedUrlError(f"broker URL '{shown}' names no host: {_USAGE}")
    return SCHEMES[scheme]


async def apply(
    design: Design, url: str, *, dry_run: bool = False, queue_type: str = QUORUM
) -> ApplyReport:
    broker = broker_of(url)
    if broker == "rabbitmq":
        from . import rabbitmq

        return await rabbitmq.apply(build_amqp(design, queue_type), url, dry_run=dry_run)
    from . import nats

    return await nats.apply(build_jetstream(design), url, dry_run=dry_run)
