"""`msgflow import asyncapi` on mutated systems of the public AsyncAPI corpus (issue #10).

Material the importer was written against, bent: one document of a system (or a file it
refers to) mutated structurally, given YAML's own hazards (an alias that contains itself,
a billion-laughs expansion, a Python tag, deep nesting) or mutated as bytes
(tests/fuzz/mutations.py). The command must exit 0 or 2 with located lines, never raise,
write nothing but its output, leave the documents as they were, and a design it writes
must load and be canonical. Half the systems are seed designs exported by msgflow itself,
whose `x-msgflow-...` keys (flow ids, timeouts, nodes) the import reads as typed values.

Same budget variable as the design fuzz (`MSGFLOW_FUZZ_DOCUMENTS`; `make fuzz` runs long).
"""

from __future__ import annotations

import os
import random
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import io
from tests.fuzz.mutations import exported_spec_document, spec_document
from tests.fuzz.test_structural_fuzz import _outside, _run

# An import is cheap (no generation, no pictures): a quarter as many as documents.
BUDGET = max(10, int(os.environ.get("MSGFLOW_FUZZ_DOCUMENTS", "40")) // 4)


def test_import_survives_mutated_asyncapi_systems() -> None:
    tally: Counter[str] = Counter()

    @settings(
        max_examples=BUDGET,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.booleans(), st.integers(0, 2**32))
    def one(exported: bool, number: int) -> None:
        make = exported_spec_document if exported else spec_document
        system, documents, files = make(random.Random(number))
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            (folder / "out").mkdir()
            for relative, data in files.items():
                (folder / "specs" / relative).parent.mkdir(parents=True, exist_ok=True)
                (folder / "specs" / relative).write_bytes(data)
            before = _outside(folder)
            args = ("import", "asyncapi", *(f"specs/{d}" for d in documents))
            code, err = _run(folder, (*args, "-o", "out/imported.msgflow.json"))
            assert code in (0, 2), (system, code, err)
            assert "Traceback" not in err, err
            assert _outside(folder) == before, f"{system}: wrote outside out/ or changed a spec"
            tally[f"exit {code}"] += 1
            if code == 0:
                data = (folder / "out" / "imported.msgflow.json").read_text(encoding="utf-8")
                assert io.dumps(io.loads(data)) == data, "not canonical"
            else:
                assert err.strip() and not (folder / "out" / "imported.msgflow.json").exists()

    one()
    print(f"\nimport fuzz: {sum(tally.values())} mutated systems, {dict(tally)}, failures 0")
