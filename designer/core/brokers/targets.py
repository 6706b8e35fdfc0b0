"""The broker configuration targets of `msgflow generate`: rabbitmq, nats, kafka, compose.

Each is a plain function of the design (see codegen/targets.py); options come from the
design's `settings.generate` (overlaid with `TargetOptions.extra` for API callers), so a
team pins e.g. its vhost in the design file and everyone generates the same files.
"""

from __future__ import annotations

import json
from typing import Any

from ..codegen.targets import TargetOptions, register
from ..errors import Problem
from ..model import Design
from . import compose, kafka, nats, rabbitmq
from .topology import QUEUE_TYPES


def _settings(design: Design, options: TargetOptions) -> dict[str, Any]:
    return {**design.settings.generate, **options.extra}


_WHOLE_NUMBERS = ("partitions", "replication", "retention_ms")


def settings_problems(design: Design) -> list[Problem]:
    """Values in `settings.generate` the broker targets cannot use, located in the file.

    The section is free-form (unknown keys are kept for later features); only the keys
    read here are checked, so a typo is a message instead of a crash halfway through.
    """
    generate = design.settings.generate
    problems: list[Problem] = []
    queue_type = generate.get("queue_type")
    if queue_type is not None and queue_type not in QUEUE_TYPES:
        problems.append(
            Problem(
                "$.settings.generate.queue_type",
                f"must be one of {', '.join(QUEUE_TYPES)}, not {json.dumps(queue_type)}",
            )
        )
    for key in _WHOLE_NUMBERS:
        value = generate.get(key)
        if value is not None and not _is_whole_number(value):
            problems.append(
                Problem(
                    f"$.settings.generate.{key}", f"must be a whole number, not {json.dumps(value)}"
                )
            )
    return problems


def _is_whole_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        int(value)  # what the kafka target does with it
    except (TypeError, ValueError):
        return False
    return True


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
