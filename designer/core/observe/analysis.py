"""Judge observed records against a design: per-flow rates, conformance, latency, drift.

`Observation` is fed records one at a time (live from a tap or replayed from a trace) and
keeps only counters and bounded samples, so a long watch of a busy system costs the same
memory as a short one. `report()` can be asked at any time (the live overlay asks a few
times a second) and turns the counters into flow summaries and drift findings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..channel_parameters import REDIS_HEADER, is_parameterised, named_pattern
from ..diagnostics import SEVERITY_RANK, Diagnostic
from ..model import Design, Severity, Transport
from .conformance import Contracts
from .drift_rules import DRIFT_RULES
from .expected import Address, AddressUse, Expectations, address_of
from .record import NOT_JSON, Record
from .stats import BoundedDict, Reservoir

DEFAULT_TIMEOUT_S = 5.0  # what generated services wait for an answer (codegen default)
MAX_PENDING = 100_000  # requests waiting for an answer that are tracked at once
MAX_RECENT_IDS = 100_000  # message ids remembered to follow causation_id links
MAX_STRAY_ADDRESSES = 1_000  # distinct undeclared addresses tallied one by one
MAX_TYPES_PER_ADDRESS = 20
MAX_EXAMPLE_BYTES = 64 * 1024
PERCENTILES = (50, 95, 99)


@dataclass
class FlowTally:
    """What one designed flow carried during the window."""

    flow_id: str
    messages: int = 0
    bytes: int = 0
    violations: int = 0
    violation_example: str | None = None
    replies: int = 0
    reply_violations: int = 0
    reply_violation_example: str | None = None
    requests_tracked: int = 0
    unanswered: int = 0
    unanswered_example: str | None = None  # a correlation id to look up in the logs
    latency: Reservoir = field(default_factory=Reservoir)  # request -> reply, seconds
    causal: Reservoir = field(default_factory=Reservoir)  # cause -> this message, seconds
    since: float | None = None  # a flow added during the window: counted from then on
    # Redis, a parameterised flow: entries that did not name their channel's values.
    unnamed: int = 0
    unnamed_example: str | None = None


@dataclass
class StrayTally:
    """Traffic on an address, or of a type, the design does not have."""

    broker: str
    address: str
    exchange: str | None = None  # RabbitMQ: the exchange, the channel is the routing key
    channel: str = ""
    messages: int = 0
    types: Counter[str] = field(default_factory=Counter)
    flows_here: tuple[str, ...] = ()  # when the address is known but the type is not
    example: Any = None  # the first payload (JSON), to propose a message's fields


@dataclass
class WrongTally:
    broker: str
    address: str
    message_id: str
    flows_here: tuple[str, ...]
    where: Address = ("", "")  # (exchange, channel), as the design's addresses are keyed
    messages: int = 0


@dataclass(frozen=True)
class FlowSummary:
    flow_id: str
    message_id: str
    source: str
    target: str
    address: str
    messages: int
    rate: float  # messages per second over the window
    bytes: int
    violations: int
    violation_example: str | None
    replies: int
    unanswered: int
    in_flight: int
    latency_ms: dict[str, float] | None
    causal_latency_ms: dict[str, float] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "flow": self.flow_id,
            "message": self.message_id,
            "from": self.source,
            "to": self.target,
            "address": self.address,
            "messages": self.messages,
            "rate_per_s": round(self.rate, 3),
            "bytes": self.bytes,
            "violations": self.violations,
            "violation_example": self.violation_example,
            "replies": self.replies,
            "unanswered": self.unanswered,
            "in_flight": self.in_flight,
            "latency_ms": self.latency_ms,
            "causal_latency_ms": self.causal_latency_ms,
        }


@dataclass(frozen=True)
class ObservationReport:
    broker: str | None
    started: float | None
    ended: float | None
    records: int
    flows: list[FlowSummary]
    undeclared: list[StrayTally]
    findings: list[Diagnostic]

    @property
    def seconds(self) -> float:
        if self.started is None or self.ended is None:
            return 0.0
        return max(0.0, self.ended - self.started)

    def flow(self, flow_id: str) -> FlowSummary | None:
        return next((f for f in self.flows if f.flow_id == flow_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "broker": self.broker,
            "window": {"started": self.started, "ended": self.ended, "seconds": self.seconds},
            "records": self.records,
            "flows": [f.to_json() for f in self.flows],
            "undeclared": [
                {
                    "broker": s.broker,
                    "address": s.address,
                    "messages": s.messages,
                    "types": dict(s.types.most_common()),
                }
                for s in self.undeclared
            ],
            "findings": [d.to_json() for d in self.findings],
        }


@dataclass
class _Pending:
    time: float
    flow_id: str
    correlation_id: str | None


def _ms(samples: Reservoir) -> dict[str, float] | None:
    points = samples.percentiles(*PERCENTILES)
    return None if points is None else {k: round(v * 1000, 3) for k, v in points.items()}


class Observation:
    """Counters over a stream of records for one design."""

    def __init__(self, design: Design, broker: str | None = None, started: float | None = None):
        self.design = design
        self.expected = Expectations(design)
        self.contracts = Contracts(design)
        self.broker = broker
        self.started = started
        self.last_time: float | None = None
        self.records = 0
        self.tallies = {f: FlowTally(f) for f in self.expected.observable_flows()}
        self.undeclared: dict[tuple[str, str], StrayTally] = {}
        self.undeclared_overflow = 0
        self.wrong: dict[tuple[str, str, str], WrongTally] = {}
        self.pending: BoundedDict[str, _Pending] = BoundedDict(MAX_PENDING)
        self.pending_by_correlation: BoundedDict[str, str] = BoundedDict(MAX_PENDING)
        self.recent: BoundedDict[str, float] = BoundedDict(MAX_RECENT_IDS)
        self._queries = {m.id for m in design.messages if self.expected.is_request(m.id)}
        self._flow_tallies: dict[tuple[int, str], list[FlowTally]] = {}
        # Flows whose Redis entries must name their channel with the values in.
        self._named_by_header = {
            f.id: named_pattern(f.channel)
            for f in design.flows
            if f.channel and is_parameterised(f.channel) and f.transport is not Transport.HTTP
        }

    # -- feeding -----------------------------------------------------------------------
    def add(self, record: Record) -> None:
        if self.started is None:
            self.started = record.time
        if self.broker is None:
            self.broker = record.broker
        self.last_time = record.time if self.last_time is None else max(self.last_time, record.time)
        self.records += 1
        self._expire(self.last_time)
        use = self.expected.use(record)
        if use is None:
            self._stray(record, record.message_type, ())
            return
        payload = record.payload()
        if use.replies_for and not use.flows:
            self._reply(record, use, payload)
        else:
            self._message(record, use, payload)
        if record.message_id is not None:
            self.recent.put(record.message_id, record.time)

    def _message(self, record: Record, use: AddressUse, payload: Any) -> None:
        contracts = self.contracts
        if record.message_type is not None:
            message_id = self.expected.resolve_type(record.message_type)
            if message_id is None:
                self._stray(record, record.message_type, tuple(use.flows))
                return
            problems = contracts.message_problems(message_id, payload)
        else:
            message_id, problems = self._guess(use, payload)
        if message_id is None:  # nothing of this design looks like it
            for flow_id in use.flows:
                self._violation(self.tallies[flow_id], record, problems)
            return
        if message_id not in use.messages:
            key = (record.broker, record.address, message_id)
            wrong = self.wrong.get(key)
            if wrong is None:
                wrong = self.wrong[key] = WrongTally(
                    record.broker,
                    record.address,
                    message_id,
                    tuple(use.flows),
                    (record.exchange or "", record.channel),
                )
            wrong.messages += 1
            return
        cause_time = self.recent.get(record.causation_id) if record.causation_id else None
        size = len(record.body)
        for tally in self._tallies_of(use, message_id):
            tally.messages += 1
            tally.bytes += size
            if tally.flow_id in self._named_by_header and record.broker == "redis":
                self._check_named(tally, record)
            if problems:
                self._violation(tally, record, problems)
            if cause_time is not None:
                tally.causal.add(record.time - cause_time)
        if message_id in self._queries:
            self._track_request(record, use, message_id)

    def _check_named(self, tally: FlowTally, record: Record) -> None:
        """Redis: an entry of a parameterised flow names its channel with the values in."""
        named = record.headers.get(REDIS_HEADER)
        if named is not None and self._named_by_header[tally.flow_id].fullmatch(named):
            return
        tally.unnamed += 1
        if tally.unnamed_example is None:
            which = f"header channel '{named}'" if named is not None else "no header channel"
            tally.unnamed_example = f"{which} (message id {record.message_id or '?'})"

    def _tallies_of(self, use: AddressUse, message_id: str) -> list[FlowTally]:
        """The tallies of the flows carrying `message_id` on `use` (cached: asked per record)."""
        key = (id(use), message_id)
        found = self._flow_tallies.get(key)
        if found is None:
            found = [
                self.tallies[f] for f in use.flows if self.expected.flows[f].message == message_id
            ]
            self._flow_tallies[key] = found
        return found

    def _guess(self, use: AddressUse, payload: Any) -> tuple[str | None, list[str]]:
        """The type of an untyped payload: an expected message it fits, else another one."""
        contracts = self.contracts
        if payload is NOT_JSON:
            only = next(iter(use.messages)) if len(use.messages) == 1 else None
            return only, ["$: the body is not JSON"]
        fits: list[tuple[int, str]] = []
        first_problems: list[str] = []
        for message_id in sorted(use.messages):
            problems = contracts.message_problems(message_id, payload)
            if not problems:
                fits.append((contracts.message_extra_keys(message_id, payload), message_id))
            elif not first_problems:
                first_problems = problems
        if fits:
            return min(fits)[1], []
        # Not what this address carries: is it exactly another message of the design?
        for message_id in contracts.fields:
            if message_id in use.messages or not contracts.has_contract(message_id):
                continue
            if not contracts.message_problems(
                message_id, payload
            ) and not contracts.message_extra_keys(message_id, payload):
                return message_id, []
        if len(use.messages) == 1:
            return next(iter(use.messages)), first_problems
        names = ", ".join(sorted(use.messages))
        return None, [f"$: matches none of the messages expected here ({names})"]

    def _violation(self, tally: FlowTally, record: Record, problems: list[str]) -> None:
        tally.violations += 1
        if tally.violation_example is None:
            tally.violation_example = problems[0] if problems else "$: does not conform"

    def _track_request(self, record: Record, use: AddressUse, message_id: str) -> None:
        key = record.message_id or record.correlation_id
        if key is None:
            return  # nothing to match an answer with
        flow_id = next(f for f in use.flows if self.expected.flows[f].message == message_id)
        self.tallies[flow_id].requests_tracked += 1
        self.pending.put(key, _Pending(record.time, flow_id, record.correlation_id))
        if record.correlation_id is not None:
            self.pending_by_correlation.put(record.correlation_id, key)

    def _reply(self, record: Record, use: AddressUse, payload: Any) -> None:
        key: str | None = None
        if record.causation_id is not None and record.causation_id in self.pending:
            key = record.causation_id
        elif record.correlation_id is not None:
            candidate = self.pending_by_correlation.get(record.correlation_id)
            if candidate is not None and candidate in self.pending:
                key = candidate
        request = self.pending.pop(key) if key is not None else None
        if request is not None:
            self._forget_correlation(key, request)
        if request is not None and request.flow_id in use.replies_for:
            flow_id = request.flow_id
            self.tallies[flow_id].latency.add(record.time - request.time)
        elif len(use.replies_for) == 1:
            flow_id = use.replies_for[0]
        else:
            return  # an answer to a request sent before the window, among several queries
        tally = self.tallies[flow_id]
        tally.replies += 1
        question = self.expected.flows[flow_id].message
        if question in self.contracts.responses:
            problems = (
                ["$: the body is not JSON"]
                if payload is NOT_JSON
                else self.contracts.response_problems(question, payload)
            )
            if problems:
                tally.reply_violations += 1
                if tally.reply_violation_example is None:
                    tally.reply_violation_example = problems[0]

    def _forget_correlation(self, key: str | None, request: _Pending) -> None:
        """A request answered or given up on: its correlation id need not be looked up any
        more (kept, 100,000 stale entries cost ~15 MB on a busy system)."""
        correlation = request.correlation_id
        if correlation is not None and self.pending_by_correlation.get(correlation) == key:
            del self.pending_by_correlation[correlation]

    def _timeout(self, flow_id: str) -> float:
        timeout_ms = self.expected.flows[flow_id].timeout_ms
        return timeout_ms / 1000 if timeout_ms else DEFAULT_TIMEOUT_S

    def _expire(self, now: float) -> None:
        """Requests older than their timeout are unanswered: stop tracking them."""
        while self.pending:
            key, oldest = next(iter(self.pending.items()))
            if now - oldest.time <= self._timeout(oldest.flow_id):
                return
            del self.pending[key]
            self._forget_correlation(key, oldest)
            tally = self.tallies[oldest.flow_id]
            tally.unanswered += 1
            if tally.unanswered_example is None:
                tally.unanswered_example = oldest.correlation_id or key

    def _stray(self, record: Record, message_type: str | None, flows_here: tuple[str, ...]) -> None:
        key = (record.broker, record.address)
        stray = self.undeclared.get(key)
        if stray is None:
            if len(self.undeclared) >= MAX_STRAY_ADDRESSES:
                self.undeclared_overflow += 1
                return
            stray = self.undeclared[key] = StrayTally(
                record.broker, record.address, record.exchange, record.channel
            )
            stray.flows_here = flows_here
        stray.messages += 1
        if stray.example is None and len(record.body) <= MAX_EXAMPLE_BYTES:
            payload = record.payload()
            stray.example = payload if isinstance(payload, dict) else None
        label = message_type or "(untyped)"
        if label in stray.types or len(stray.types) < MAX_TYPES_PER_ADDRESS:
            stray.types[label] += 1

    # -- reporting ---------------------------------------------------------------------
    def report(self, ended: float | None = None) -> ObservationReport:
        end = ended if ended is not None else self.last_time
        if end is not None:
            self._expire(end)
        seconds = (end - self.started) if end is not None and self.started is not None else 0.0
        flows = [self._summary(tally, seconds, end) for tally in self.tallies.values()]
        findings = _Findings(self, flows, seconds).all()
        return ObservationReport(
            self.broker,
            self.started,
            end,
            self.records,
            flows,
            sorted(self.undeclared.values(), key=lambda s: (-s.messages, s.address)),
            findings,
        )

    def address(self, flow_id: str) -> str:
        """Where the flow travels on the observed broker, as the text output names it."""
        broker = self.broker or "nats"
        for (exchange, channel), use in self.expected.by_broker[broker].items():
            if flow_id in use.flows and not (broker == "rabbitmq" and exchange == ""):
                return f"{exchange}/{channel}" if broker == "rabbitmq" else channel
        return "?"

    def _summary(self, tally: FlowTally, seconds: float, end: float | None) -> FlowSummary:
        if tally.since is not None and end is not None:
            seconds = end - tally.since  # its rate over the time it has existed
        flow = self.expected.flows[tally.flow_id]
        in_flight = sum(1 for p in self.pending.values() if p.flow_id == tally.flow_id)
        return FlowSummary(
            tally.flow_id,
            flow.message,
            flow.source,
            flow.target,
            self.address(tally.flow_id),
            tally.messages,
            tally.messages / seconds if seconds > 0 else 0.0,
            tally.bytes,
            tally.violations + tally.reply_violations,
            tally.violation_example or tally.reply_violation_example,
            tally.replies,
            tally.unanswered,
            in_flight,
            _ms(tally.latency),
            _ms(tally.causal),
        )


class _Findings:
    """Drift findings from the counters, in the design rules' shape."""

    def __init__(self, observation: Observation, flows: list[FlowSummary], seconds: float):
        self.o = observation
        self.flows = flows
        self.seconds = seconds
        self.names = {m.id: m.name for m in observation.design.messages}
        self.nodes = {n.id: n.name for n in observation.design.nodes}

    def _diag(
        self, rule: str, message: str, hint: str, subjects: tuple[str, ...], path: str
    ) -> Diagnostic:
        return Diagnostic(rule, DRIFT_RULES[rule].severity, message, hint, subjects, path)

    def _path(self, flow_id: str) -> str:
        return f"$.flows[{self.o.expected.flow_index[flow_id]}]"

    def all(self) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        for summary in self.flows:
            found.extend(self._flow(summary))
        found.extend(self._wrong())
        found.extend(self._undeclared())
        order = {rule: i for i, rule in enumerate(DRIFT_RULES)}
        found.sort(key=lambda d: (SEVERITY_RANK[d.severity], order[d.rule], d.path, d.message))
        return found

    def _flow(self, s: FlowSummary) -> list[Diagnostic]:
        found = []
        message = self.names.get(s.message_id, s.message_id)
        source, target = self.nodes.get(s.source, s.source), self.nodes.get(s.target, s.target)
        subjects = (s.flow_id, s.message_id)
        if s.messages == 0 and s.replies == 0:
            found.append(
                self._diag(
                    "silent-flow",
                    f"'{message}' from '{source}' to '{target}' carried nothing on "
                    f"{s.address} during {self.seconds:.1f} s",
                    f"check that '{source}' runs and publishes '{message}' on {s.address}, "
                    "or remove the flow if the system no longer has it",
                    subjects,
                    self._path(s.flow_id),
                )
            )
        if s.violations:
            total = s.messages + s.replies
            found.append(
                self._diag(
                    "contract-violation",
                    f"{s.violations} of {total} '{message}' message(s) on {s.address} break "
                    f"its contract, e.g. {s.violation_example}",
                    f"make '{source}' send what the design declares for '{message}', or "
                    "change the message's fields in the design (a breaking change if required)",
                    subjects,
                    self._path(s.flow_id),
                )
            )
        named = self.o.tallies[s.flow_id]
        if named.unnamed:
            channel = self.o.expected.flows[s.flow_id].channel
            found.append(
                self._diag(
                    "missing-channel-values",
                    f"{named.unnamed} of {s.messages} '{message}' message(s) on {s.address} "
                    f"do not name their channel's values, e.g. {named.unnamed_example}",
                    f"make '{source}' send each entry with the header channel: '{channel}' "
                    "with the values in (generated services do)",
                    subjects,
                    self._path(s.flow_id),
                )
            )
        if s.unanswered:
            tally = self.o.tallies[s.flow_id]
            found.append(
                self._diag(
                    "unanswered-request",
                    f"{s.unanswered} '{message}' request(s) from '{source}' got no answer from "
                    f"'{target}' within {self.o._timeout(s.flow_id):g} s (e.g. correlation id "
                    f"{tally.unanswered_example})",
                    f"check that '{target}' runs, answers on the request's reply address and "
                    "copies its correlation id; or raise the flow's timeout_ms",
                    subjects,
                    self._path(s.flow_id),
                )
            )
        return found

    def _wrong(self) -> list[Diagnostic]:
        found = []
        for wrong in sorted(self.o.wrong.values(), key=lambda w: (w.address, w.message_id)):
            expected = sorted({self.o.expected.flows[f].message for f in wrong.flows_here})
            shown = ", ".join(f"'{self.names.get(m, m)}'" for m in expected)
            name = self.names.get(wrong.message_id, wrong.message_id)
            found.append(
                self._diag(
                    "wrong-channel",
                    f"{wrong.messages} '{name}' message(s) on {wrong.address}, which carries "
                    f"{shown}",
                    f"publish '{name}' on its own flow's address, or add a flow for it here",
                    (*wrong.flows_here, wrong.message_id),
                    self._path(wrong.flows_here[0]) if wrong.flows_here else "$",
                )
            )
        return found

    def _undeclared(self) -> list[Diagnostic]:
        found = []
        for stray in sorted(self.o.undeclared.values(), key=lambda s: s.address):
            types = ", ".join(f"{t} ×{n}" for t, n in stray.types.most_common(5))
            if stray.flows_here:
                text = (
                    f"{stray.messages} message(s) of a type the design does not declare on "
                    f"{stray.address} ({types})"
                )
                hint = "add the message (and its flow) to the design, or stop publishing it here"
            else:
                text = (
                    f"{stray.messages} message(s) on {stray.address}, an address no flow of the "
                    f"design uses ({types})"
                )
                hint = "add the flow to the design (live mode turns it into one with a click)"
            found.append(
                self._diag(
                    "undeclared-traffic",
                    text,
                    hint,
                    stray.flows_here,
                    self._path(stray.flows_here[0]) if stray.flows_here else "$",
                )
            )
        if self.o.undeclared_overflow:
            found.append(
                self._diag(
                    "undeclared-traffic",
                    f"{self.o.undeclared_overflow} more message(s) on further undeclared "
                    f"addresses (only the first {MAX_STRAY_ADDRESSES} are listed)",
                    "narrow what is observed, or add the flows to the design",
                    (),
                    "$",
                )
            )
        return found


def worst(findings: list[Diagnostic]) -> Severity | None:
    return min((d.severity for d in findings), key=SEVERITY_RANK.__getitem__, default=None)


__all__ = ["Address", "FlowSummary", "Observation", "ObservationReport", "address_of", "worst"]
