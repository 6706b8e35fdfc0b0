"""Observe a running system and compare it with its design (Qt-free, broker-free).

- `record.Record`: one message a tap saw (time, address, ids, type, size, raw body).
- `trace`: recordings as JSON Lines (`read_trace`, `TraceWriter`), replayed in CI
  (`replay_trace`: a trace judged by a design).
- `expected.Expectations`: what the design expects on each broker address.
- `analysis.Observation`: fed records, reports per-flow rates, conformance, latency
  percentiles and drift findings (`drift_rules.DRIFT_RULES`).
- `output`: the report as text, JSON or SARIF.

Talking to brokers lives apart (`designer.taps`), so this package needs no client.
"""

from .analysis import FlowSummary, Observation, ObservationReport
from .drift_rules import DRIFT_RULES
from .record import Record, from_wire
from .replay import replay_trace
from .trace import TraceError, TraceWindow, TraceWriter, read_trace

__all__ = [
    "DRIFT_RULES",
    "FlowSummary",
    "Observation",
    "ObservationReport",
    "Record",
    "TraceError",
    "TraceWindow",
    "TraceWriter",
    "from_wire",
    "read_trace",
    "replay_trace",
]
