"""The messaging-rules engine: every rule of messaging-rules.md, live and in CI.

Public API (the window and the CLI use these names):
- `validate(design, baseline=None) -> list[Diagnostic]`
- `REGISTRY`: rule id -> `Rule` (id, severity, summary, doc, family, threshold)
- `designer.core.incremental.IncrementalValidator` for re-checking after edits.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from . import boundary, breaking, causality, kinds, naming, settings_rules, structure, transport
from .engine import REGISTRY, Rule, validate

# Imported for their registrations; the order here is the order of `msgflow rules`.
_FAMILIES = (kinds, naming, transport, boundary, causality, structure, breaking, settings_rules)

__all__ = ["REGISTRY", "Diagnostic", "Rule", "validate"]
