"""The AsyncAPI import corpus (tests/data/asyncapi), one table row per imported system.

For every case the corpus tests import (tests/core/importers/test_asyncapi_corpus.py):
operations written in the source documents vs flows in the design, messages with fields
(or a union body) vs without, kind guesses the report gives (one line each), flows on parameterised
channels, flows whose bindings the design keeps, fields whose `enum` the design keeps vs
value lists the report says went to a description, the report's other lines, and the
semantic differences after export -> import on RabbitMQ and on Kafka (0 is exact).
Figures only; the corpus tests assert the same properties.

    python benchmarks/asyncapi_corpus.py          # a Markdown table on stdout
"""

from __future__ import annotations

from designer.core.diff import diff_designs
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec
from tests.core.importers.test_asyncapi_corpus import CASES, _source_operations


def _round_trip_changes(design: object, broker: str) -> int:
    from designer.core.model import Design

    assert isinstance(design, Design)
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    back = import_asyncapi([Spec(system, "system")], design.name).design
    return len(diff_designs(design, back).changes)


def main() -> None:
    header = (
        "| system | ops in source | flows | messages with / without fields | guesses |"
        " parameterised flows | flows with bindings | enums kept / lost |"
        " other report lines |"
        " round trip changes (rabbitmq / kafka) |"
    )
    print(header)
    print("|" + "---|" * header.count(" |"))
    totals = [0] * 10
    for case in sorted(CASES):
        result = import_asyncapi([Spec.from_file(f) for f in CASES[case]])
        design = result.design
        notes = [str(n) for n in result.notes]
        guesses = sum(1 for n in notes if ": taken as " in n)
        every_field = [
            *(f for m in design.messages for f in [*m.fields, *(m.response or [])]),
            *(f for r in design.schemas for f in r.fields),
        ]
        lost = sum(1 for n in notes if "not kept as its enum" in n)
        # A body that is a union of records (`one_of`) is a payload too.
        with_fields = sum(1 for m in design.messages if m.fields or m.one_of)
        row = [
            _source_operations(CASES[case]),
            len(design.flows),
            with_fields,
            len(design.messages) - with_fields,
            guesses,
            sum(1 for f in design.flows if f.parameters),
            sum(1 for f in design.flows if f.bindings),
            sum(1 for f in every_field if f.enum),
            lost,
            len(notes) - guesses - lost,
        ]
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        trips = (
            f"{_round_trip_changes(design, 'rabbitmq')} / {_round_trip_changes(design, 'kafka')}"
        )
        ops, flows, fields, empty, guessed, params, bound, kept, gone, other = row
        print(
            f"| {case} | {ops} | {flows} | {fields} / {empty} | {guessed} | {params} | {bound}"
            f" | {kept} / {gone} | {other} | {trips} |"
        )
    ops, flows, fields, empty, guessed, params, bound, kept, gone, other = totals
    print(
        f"| **total** | {ops} | {flows} | {fields} / {empty} | {guessed} | {params} | {bound}"
        f" | {kept} / {gone} | {other} | |"
    )


if __name__ == "__main__":
    main()
