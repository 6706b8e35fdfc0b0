"""Live broker provisioning (`msgflow broker apply`): network I/O, so outside `designer.core`.

The topology comes from `designer.core.topology`; this package only talks to
brokers: RabbitMQ over AMQP (aio-pika), NATS over the JetStream API (nats-py).
"""

from __future__ import annotations

from designer.core import broker_urls
from designer.core.model import Design
from designer.core.topology import QUORUM, build_amqp, build_jetstream

from .report import ApplyReport

SCHEMES = {"amqp": "rabbitmq", "amqps": "rabbitmq", "nats": "nats", "tls": "nats"}


class UnsupportedUrlError(ValueError):
    pass


_USAGE = "use amqp://user:password@host:5672/vhost (RabbitMQ) or nats://host:4222 (NATS JetStream)"


def broker_of(url: str) -> str:
    """`rabbitmq` or `nats`, from the URL's scheme; UnsupportedUrlError for anything else."""
    try:
        return broker_urls.broker_of(url, SCHEMES, _USAGE)
    except broker_urls.BrokerUrlError as error:
        raise UnsupportedUrlError(str(error)) from None


async def apply(
    design: Design, url: str, *, dry_run: bool = False, queue_type: str = QUORUM
) -> ApplyReport:
    broker = broker_of(url)
    if broker == "rabbitmq":
        from . import rabbitmq

        return await rabbitmq.apply(build_amqp(design, queue_type), url, dry_run=dry_run)
    from . import nats

    return await nats.apply(build_jetstream(design), url, dry_run=dry_run)
