"""The keys of `settings.generate` msgflow itself reads, checked when a design is loaded.

The section is free-form (unknown keys are kept for later features and other tools);
the keys below feed the broker targets, and a value they cannot use (`"partitions": null`,
a list for a password) is a located load error rather than a crash halfway through a
generation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import Problem

# (lowest, highest) accepted whole number. Kafka caps replication at a 16-bit count and
# reads a retention of -1 as "keep forever".
WHOLE_NUMBERS: dict[str, tuple[int, int]] = {
    "partitions": (1, 100_000),
    "replication": (1, 32_767),
    "retention_ms": (-1, 2**63 - 1),
}
TEXTS = ("vhost", "user", "password")
# RabbitMQ queue types `queue_type` may name (the topology declares queues of this type).
QUORUM = "quorum"
CLASSIC = "classic"
QUEUE_TYPES = (QUORUM, CLASSIC)
FLAGS = ("kafka_principals",)


def generate_settings_problems(generate: Mapping[str, Any]) -> list[Problem]:
    """What in `settings.generate` the targets cannot use, at its path in the file."""
    problems: list[Problem] = []

    def at(key: str, message: str) -> None:
        problems.append(Problem(f"$.settings.generate.{key}", message))

    queue_type = generate.get("queue_type")
    if "queue_type" in generate and queue_type not in QUEUE_TYPES:
        at("queue_type", f"must be one of {', '.join(QUEUE_TYPES)}, not {_shown(queue_type)}")
    for key, (low, high) in WHOLE_NUMBERS.items():
        value = generate.get(key)
        if key not in generate:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            at(key, f"must be a whole number, not {_shown(value)}")
        elif not low <= value <= high:
            at(key, f"must be between {low} and {high}, not {value}")
    for key in TEXTS:
        if key in generate and not isinstance(generate[key], str):
            at(key, f"must be text, not {_shown(generate[key])}")
    for key in FLAGS:
        if key in generate and not isinstance(generate[key], bool):
            at(key, f"must be true or false, not {_shown(generate[key])}")
    return problems


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
