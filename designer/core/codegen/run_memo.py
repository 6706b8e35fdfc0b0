"""Work that several targets of one generation run need, done once per run.

`generate --target all` runs every target over one design: the Python and compose targets
both need the generation context (names, ports), the RabbitMQ and compose targets both
write the RabbitMQ definitions. Inside `one_run()`, `shared(key, compute)` computes each
key once; outside a run it computes every time, so a design edited in place between two
runs is never answered from an old result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("generation_run_memo", default=None)


@contextlib.contextmanager
def one_run() -> Iterator[None]:
    """Share work between the targets rendered inside this block."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def shared(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per `key` within a run. Keys name the design by `id`: it stays
    alive, and unchanged, while its targets render."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    result: T = memo[key]
    return result
