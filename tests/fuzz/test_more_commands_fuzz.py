"""The commands the single-document fuzz does not reach, in the bounded suite (issue #10).

Both sides hostile: two documents mutated independently through `diff`, `validate
--baseline`, `fmt --check` of both, `observe --replay` and `import traffic`; and
`generate --templates` with a hostile template pack (tests/fuzz/template_packs.py). The
same code as the long campaign (tests/fuzz/campaign.py, sources `pair` and
`template-pack`): exit 0, 1 or 2, never a traceback, nothing written outside the output
(a pack's links, FIFOs and devices included), inputs untouched, a refused pack named.
`make fuzz` runs longer (MSGFLOW_FUZZ_DOCUMENTS); the broker source needs the real
brokers and runs in the campaign only (`--sources broker --brokers`).
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.campaign import Campaign

BUDGET = int(os.environ.get("MSGFLOW_FUZZ_DOCUMENTS", "40"))


def _campaign(folder: Path) -> Campaign:
    return Campaign(folder, pictures_every=0, edits=0)


def _no_failures(campaign: Campaign, folder: Path) -> None:
    notes = {
        cause: (folder / f"{digest}.txt").read_text() for cause, digest in campaign.kept.items()
    }
    assert not campaign.causes, notes


def test_two_hostile_documents_through_every_command_that_reads_two() -> None:
    with tempfile.TemporaryDirectory() as name:
        campaign = _campaign(Path(name))

        @settings(
            max_examples=max(BUDGET // 4, 5),
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(st.randoms(use_true_random=False))
        def one(rng: random.Random) -> None:
            campaign.one_pair(rng)

        one()
        _no_failures(campaign, Path(name))
        print(f"\npair fuzz: {campaign.documents['pair']} pairs, failures 0")
        assert campaign.tried[("pair", "validate --baseline")] > 0


def test_hostile_template_packs_are_refused_with_the_template_named() -> None:
    with tempfile.TemporaryDirectory() as name:
        campaign = _campaign(Path(name))

        @settings(
            max_examples=max(BUDGET // 2, 10),
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(st.randoms(use_true_random=False))
        def one(rng: random.Random) -> None:
            campaign.one_pack(rng)

        one()
        _no_failures(campaign, Path(name))
        exits = {k: v for k, v in campaign.outcomes.items() if k.startswith("template pack")}
        print(
            f"\ntemplate-pack fuzz: {campaign.documents['template-pack']} packs {exits}, failures 0"
        )
        assert exits.get("template pack: exit 2", 0) > 0  # hostile packs were refused
