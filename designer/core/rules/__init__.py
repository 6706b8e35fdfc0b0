"""The messaging-rules engine: every rule of docs/rules.md, live and in CI.

Public API (the window and the CLI use these names):
- `validate(design, baseline=None) -> list[Diagnostic]`
- `REGISTRY`: rule id -> `Rule` (id, severity, summary, doc, family, threshold)
- `designer.core.incremental.IncrementalValidator` for re-checking after edits.
"""

from __future__ import annotations

# isort: off
# Imported for their registrations, in the order of the catalogue (and of `msgflow rules`).
from . import kinds as kinds
from . import naming as naming
from . import transport as transport
from . import boundary as boundary
from . import causality as causality
from . import structure as structure
from . import breaking as breaking
from . import settings_rules as settings_rules
from . import bindings as bindings

# isort: on
from ..diagnostics import Diagnostic
from .engine import REGISTRY, Rule, validate

__all__ = ["REGISTRY", "Diagnostic", "Rule", "validate"]
