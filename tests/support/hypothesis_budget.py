"""How many examples a property test tries.

`make test` (what CI runs) tries every example a test asks for; `make check`, the inner
loop, sets MSGFLOW_TEST_BUDGET=fast and tries a fifth of them (at least 10), so the
properties are still exercised on every check without costing it most of its time.
"""

from __future__ import annotations

import os

FAST = os.environ.get("MSGFLOW_TEST_BUDGET") == "fast"


def examples(full: int) -> int:
    """`full` examples, or in the fast loop a fifth of them (at least 10, at most `full`)."""
    return min(full, max(10, full // 5)) if FAST else full
