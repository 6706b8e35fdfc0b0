"""Bounded statistics: latency samples whose memory does not grow with the traffic."""

from __future__ import annotations

import math
import random
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Reservoir:
    """A uniform sample of at most `size` values (Vitter's algorithm R), exact below it."""

    def __init__(self, size: int = 10_000, seed: int = 0) -> None:
        self.size = size
        self.seen = 0
        self.values: list[float] = []
        self._random = random.Random(seed)  # seeded: the same trace gives the same report

    def add(self, value: float) -> None:
        self.seen += 1
        if len(self.values) < self.size:
            self.values.append(value)
            return
        slot = self._random.randrange(self.seen)
        if slot < self.size:
            self.values[slot] = value

    def percentiles(self, *points: float) -> dict[str, float] | None:
        """{"p50": ..., "p95": ...} in the sample's unit (nearest rank), None when empty."""
        if not self.values:
            return None
        ordered = sorted(self.values)
        result = {}
        for point in points:
            rank = max(1, math.ceil(point / 100 * len(ordered)))
            result[f"p{point:g}"] = ordered[rank - 1]
        return result


class BoundedDict(OrderedDict[K, V], Generic[K, V]):
    """Insertion-ordered dict that forgets its oldest entries beyond `limit`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.forgotten = 0

    def put(self, key: K, value: V) -> None:
        self[key] = value
        if len(self) > self.limit:
            self.popitem(last=False)
            self.forgotten += 1
