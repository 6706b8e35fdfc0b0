"""Random edits with hostile values on designs nobody tuned the commands to (issue #10).

The window's panels push commands built from what the user typed: a command must either
apply, leaving a design the loader reads back with a canonical text that is a fixed
point and that the validator (live in the window) can check, or be refused with an
EditError carrying the reason. Undoing every applied edit gives the original bytes.

Same budget variable as the design fuzz (`MSGFLOW_FUZZ_DOCUMENTS`; `make fuzz` runs long).
"""

from __future__ import annotations

import os
import random
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import io
from designer.core.document import Document
from designer.core.errors import DesignLoadError, EditError
from designer.core.history import History
from designer.core.rules.engine import validate
from tests.fuzz.edits import random_command
from tests.fuzz.mutations import document, seed, seed_sources

# A sequence of edits costs about what a document through every command does: a quarter
# as many (at least 10) keeps `make test` as fast as before.
BUDGET = max(10, int(os.environ.get("MSGFLOW_FUZZ_DOCUMENTS", "40")) // 4)
EDITS = 12


def _start(rng: random.Random, source: str) -> Document:
    """A seed as it is, or mutated (when the mutation still loads)."""
    if rng.random() < 0.5:
        return Document(io.loads(seed(rng, source, largest=30)[1]))
    for _ in range(5):
        try:
            return Document(io.loads(document(rng, source, largest=30)[3]))
        except DesignLoadError:
            continue
    return Document(io.loads(seed(rng, source, largest=30)[1]))


def test_random_edits_leave_a_design_the_loader_reads_back() -> None:
    tally: Counter[str] = Counter()

    @settings(
        max_examples=BUDGET,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.sampled_from(seed_sources()), st.integers(0, 2**32))
    def one(source: str, number: int) -> None:
        rng = random.Random(number)
        doc = _start(rng, source)
        history = History(doc)
        original = io.dumps(doc.design)
        tally["sequences"] += 1
        for _ in range(EDITS):
            command = random_command(rng, doc.design)
            if command is None:
                continue
            tally["edits"] += 1
            before = io.dumps(doc.design)
            try:
                history.push(command)
            except EditError as refusal:
                assert str(refusal), "a refusal the status bar can show"
                assert io.dumps(doc.design) == before, "a refused edit changed the design"
                continue
            tally["applied"] += 1
            text = io.dumps(doc.design)
            assert io.dumps(io.loads(text)) == text, f"{type(command).__name__}: {command.__dict__}"
            validate(doc.design)
        while history.undo():
            pass
        assert io.dumps(doc.design) == original

    one()
    print(
        f"\nedit fuzz: {tally['sequences']} sequences, {tally['edits']} edits "
        f"({tally['applied']} applied, the rest refused with a reason), failures 0"
    )
    assert tally["applied"] > 0 and tally["applied"] < tally["edits"]  # both paths ran
