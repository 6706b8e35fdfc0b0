"""What the rules engine reports: one `Diagnostic` per broken rule on one spot of a design.

The JSON shape (`Diagnostic.to_json`) is part of the outside contract (docs/file-format.md §2):
exactly the keys `rule`, `severity`, `message`, `hint`, `subjects`, `path`, in that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from .errors import one_line
from .model import Severity

SEVERITY_RANK: dict[Severity, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Diagnostic(NamedTuple):
    """One finding. A NamedTuple: immutable, comparable, and cheap to build by the thousand."""

    rule: str
    severity: Severity
    message: str  # names the items by their names, for people
    hint: str  # the concrete fix
    subjects: tuple[str, ...]  # ids of the nodes, messages and flows involved
    path: str  # JSON path into the canonical file, e.g. "$.flows[2]"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "subjects": list(self.subjects),
            "path": self.path,
        }


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> dict[Severity, int]:
    counts = dict.fromkeys(SEVERITY_RANK, 0)
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    return counts


SEVERITY_HEADINGS = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "info"}


def findings_text(path: str, diagnostics: Iterable[Diagnostic]) -> list[str]:
    """Text lines of findings grouped by severity (errors first), each with its path, rule,
    message and fix; how `validate` and `observe` print them."""
    found = list(diagnostics)
    lines: list[str] = []
    for severity, heading in SEVERITY_HEADINGS.items():
        group = [d for d in found if d.severity is severity]
        if not group:
            continue
        lines.append(f"{path}: {heading} ({len(group)})")
        for d in group:
            # Messages quote names, which may hold a newline: one finding, one line.
            lines.append(f"  {d.path}  [{d.rule}]  {one_line(d.message)}")
            lines.append(f"      fix: {one_line(d.hint)}")
    return lines


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
