"""Live broker provisioning (`msgflow broker apply`): network I/O, so outside `designer.core`.

The topology comes from `designer.core.brokers.topology`; this package only talks to
brokers: RabbitMQ over AMQP (aio-pika), NATS over the JetStream API (nats-py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from designer.core.brokers.topology import QUORUM, build_amqp, build_jetstream
from designer.core.model import Design

from .report import ApplyReport

SCHEMES = {"amqp": "rabbitmq", "amqps": "rabbitmq", "nats": "nats", "tls": "nats"}


class UnsupportedUrlError(ValueError):
    pass


def broker_of(url: str) -> str:
    """`rabbitmq` or `nats`, from the URL's scheme."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        raise UnsupportedUrlError(
            f"unsupported broker URL '{url}': use amqp://user:password@host:5672/vhost (RabbitMQ) "
            "or nats://host:4222 (NATS JetStream)"
        )
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
