"""The README's rule table is generated from the registry: fail when they drift apart."""

from __future__ import annotations

from pathlib import Path

from designer.core.rules import REGISTRY
from designer.core.rules.catalogue import README_END, README_START, rules_markdown

README = Path(__file__).parents[3] / "README.md"


def test_readme_rule_table_matches_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    assert README_START in text and README_END in text, "the README lost its rule-table markers"
    table = text.split(README_START, 1)[1].split(README_END, 1)[0].lstrip("\n")
    assert table == rules_markdown(), (
        "README rule table is out of date: replace it with `msgflow rules --format markdown`"
    )


def test_the_table_has_one_row_per_rule() -> None:
    rows = [line for line in rules_markdown().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(REGISTRY)
