"""The broker configuration targets of `msgflow generate`: rabbitmq, nats, kafka, compose.

Each is a plain function of the design (see codegen/targets.py); options come from the
design's `settings.generate` (overlaid with `TargetOptions.extra` for API callers), so a
team pins e.g. its vhost in the design file and everyone generates the same files.
"""

from __future__ import annotations

from typing import Any

from ..codegen.targets import TargetOptions, register
from ..errors import Problem
from ..generate_settings import generate_settings_problems
from ..model import Design
from . import compose, kafka, nats, rabbitmq


def _settings(design: Design, options: TargetOptions) -> dict[str, Any]:
    return {**design.settings.generate, **options.extra}


def settings_problems(design: Design) -> list[Problem]:
    """Values in `settings.generate` the broker targets cannot use, located in the file.

    The loader already refuses these; a design built in code (the API, the window) is
    checked again here before anything is generated.
    """
    return generate_settings_problems(design.settings.generate)


@register(
    "rabbitmq",
    help="RabbitMQ definitions.json (vhost, user, exchanges, quorum queues, bindings, dead letters)",
)
def rabbitmq_target(design: Design, options: TargetOptions) -> dict[str, str]:
    settings = _settings(design, options)
    return {
        "rabbitmq/definitions.json": rabbitmq.definitions_json(design, settings),
        "rabbitmq/rabbitmq.conf": rabbitmq.boot_config("/etc/rabbitmq/definitions.json"),
    }


@register(
    "nats", help="NATS JetStream streams and durable consumers (`nats stream add --config` JSON)"
)
def nats_target(design: Design, options: TargetOptions) -> dict[str, str]:
    return nats.files(design)


@register("kafka", help="Kafka topics and services as a kafka-gitops state.yaml")
def kafka_target(design: Design, options: TargetOptions) -> dict[str, str]:
    return {"kafka/state.yaml": kafka.state_yaml(design, _settings(design, options))}


@register(
    "compose",
    help="docker-compose.yml: the broker configured for the design and one container per service",
)
def compose_target(design: Design, options: TargetOptions) -> dict[str, str]:
    return compose.files(design, options.broker, _settings(design, options))
