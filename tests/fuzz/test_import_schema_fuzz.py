"""`msgflow import asyncapi` on valid AsyncAPI 2.6 / 3.0 documents whose every schema is
hostile (tests/fuzz/hostile_schemas.py): any JSON value in any schema position, keywords
of every shape, `$ref` cycles, YAML aliases that hold themselves, schemas and Avro
payloads nested hundreds deep. The command must exit 0 with a canonical design that loads,
or 2 with located lines and no design; never raise, never change the document.

A bounded budget here (a few seconds); `make fuzz` (MSGFLOW_FUZZ_DOCUMENTS) runs more, and
`python -m tests.fuzz.hostile_schemas --documents N --seed S` runs a long campaign that
sorts failures by cause.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, given, settings

from tests.fuzz.hostile_schemas import HOSTILE_DOCUMENTS, check_import

# An import of a small document costs ~30 ms of CPU: half again the design budget.
BUDGET = max(20, int(os.environ.get("MSGFLOW_FUZZ_DOCUMENTS", "40")) * 3 // 2)


def test_import_survives_hostile_schemas() -> None:
    tally: Counter[str] = Counter()

    @settings(
        max_examples=BUDGET,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(HOSTILE_DOCUMENTS)
    def one(document: tuple[str, str]) -> None:
        text, suffix = document
        broken = check_import(text, suffix)
        assert broken is None, f"{broken}\n--- the document ({suffix}):\n{text[:4000]}"
        tally["documents"] += 1

    one()
    print(f"\nhostile-schema import fuzz: {tally['documents']} documents, failures 0")
