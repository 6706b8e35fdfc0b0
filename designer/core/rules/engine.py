"""The rules engine: a registry of rules, the checks they run, and turning findings into diagnostics.

A rule is checked on *units* of one *scope*: a node, a message, a flow, a bucket of
equal normalised names, a pair of nodes, the synchronous call graph as a whole, or the
settings. Every unit's findings depend only on facts reachable from that unit, which is
what lets the incremental validator re-check just the units an edit touched.

Findings locate themselves by item id (`("flows", "f3", "")`) rather than by JSON path:
list indexes shift when an item is added, so paths are computed when diagnostics are
handed out, from the canonical (natural id) order of the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from ..diagnostics import SEVERITY_RANK, Diagnostic
from ..gc_pause import collector_paused
from ..io import natural_key
from ..model import Design, MessageKind, Severity, Transport
from .facts import Facts, Key, is_item_collection

Scope = Literal["node", "message", "flow", "name", "pair", "sync", "settings"]
SCOPES: tuple[Scope, ...] = ("settings", "node", "message", "flow", "name", "pair", "sync")

# Where a finding points: (collection, id, suffix) for items; ("settings", rule id, "").
Location = tuple[str, str, str]
Subject = tuple[str, str]  # (collection, id)
_COLLECTION_RANK = {"$": 0, "nodes": 1, "messages": 2, "flows": 3, "settings": 4}


class Report(NamedTuple):
    """What a check yields; the engine adds the rule id and the configured severity."""

    message: str
    hint: str
    subjects: tuple[Subject, ...]
    at: Location
    severity: Severity | None = None  # a rule-specific escalation (command-on-topic)


class Finding(NamedTuple):
    rule: str
    severity: Severity
    message: str
    hint: str
    subjects: tuple[Subject, ...]
    at: Location
    sort_key: tuple[Any, ...]


Check = Callable[["Context", str], Iterable[Report]]


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue (docs/rules.md): metadata plus its checks per scope."""

    id: str
    severity: Severity
    family: str
    summary: str
    doc: str
    checks: Mapping[Scope, Check] = field(default_factory=dict)
    threshold: int | None = None  # default of the rule's threshold setting, if it has one
    # Message kinds (message and flow scopes) and transports (flow scope) the rule can fire
    # on: the engine does not even call it elsewhere, which keeps a full run fast.
    kinds: frozenset[MessageKind] | None = None
    transports: frozenset[Transport] | None = None

    @property
    def default_severity(self) -> Severity:
        """The severity before a design's settings re-grade it (same as `severity`)."""
        return self.severity

    def applies(self, kind: MessageKind | None, transport: Transport | None) -> bool:
        return (self.kinds is None or kind in self.kinds) and (
            self.transports is None or transport is None or transport in self.transports
        )


REGISTRY: dict[str, Rule] = {}
_BY_SCOPE: dict[Scope, list[Rule]] = {scope: [] for scope in SCOPES}


def register(rule: Rule) -> Rule:
    if rule.id in REGISTRY:
        raise ValueError(f"rule '{rule.id}' registered twice")
    REGISTRY[rule.id] = rule
    for scope in rule.checks:
        _BY_SCOPE[scope].append(rule)
    return rule


def rule(
    rule_id: str,
    severity: Severity,
    *,
    family: str,
    scope: Scope,
    summary: str,
    doc: str,
    threshold: int | None = None,
    kinds: Iterable[MessageKind] | None = None,
    transports: Iterable[Transport] | None = None,
) -> Callable[[Check], Check]:
    """Decorator registering a single-scope check as a rule."""

    def decorate(check: Check) -> Check:
        register(
            Rule(
                rule_id,
                severity,
                family,
                summary,
                doc,
                {scope: check},
                threshold,
                frozenset(kinds) if kinds is not None else None,
                frozenset(transports) if transports is not None else None,
            )
        )
        return check

    return decorate


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool = True
    severity: Severity | None = None  # override of the default
    threshold: int | None = None


@dataclass(frozen=True)
class SettingProblem:
    key: str
    unknown: bool  # an unknown rule id, else an invalid value
    text: str


def resolve_settings(
    rules: Mapping[str, Any],
) -> tuple[dict[str, RuleConfig], list[SettingProblem]]:
    """Per-rule configuration from `settings.rules`, and what in it cannot be applied."""
    configs: dict[str, RuleConfig] = {}
    problems: list[SettingProblem] = []
    for key, value in rules.items():
        known = REGISTRY.get(key)
        if known is None:
            problems.append(SettingProblem(key, True, f"unknown rule '{key}'"))
            continue
        if isinstance(value, str):
            value = {"severity": value}
        if not isinstance(value, dict):
            problems.append(SettingProblem(key, False, 'expected "off", a severity or an object'))
            continue
        enabled, severity, threshold = True, None, None
        for name, item in value.items():
            if name == "severity" and item == "off":
                enabled = False
            elif (
                name == "severity" and isinstance(item, str) and item in Severity._value2member_map_
            ):
                severity = Severity(item)
            elif name == "severity":
                problems.append(
                    SettingProblem(
                        key,
                        False,
                        f"severity {json.dumps(item)} is not one of off, error, warning, info",
                    )
                )
            elif name == "threshold" and known.threshold is None:
                problems.append(SettingProblem(key, False, f"rule '{key}' has no threshold"))
            elif name == "threshold" and (
                not isinstance(item, int) or isinstance(item, bool) or item < 1
            ):
                problems.append(
                    SettingProblem(
                        key,
                        False,
                        f"threshold {json.dumps(item)} is not a whole number of at least 1",
                    )
                )
            elif name == "threshold":
                threshold = item
            else:
                problems.append(
                    SettingProblem(
                        key, False, f"unknown key '{name}' (expected severity, threshold)"
                    )
                )
        configs[key] = RuleConfig(enabled, severity, threshold)
    return configs, problems


class Context:
    """What a check sees: the facts and the design's rule settings."""

    def __init__(
        self, facts: Facts, configs: dict[str, RuleConfig], problems: list[SettingProblem]
    ) -> None:
        self.facts = facts
        self.configs = configs
        self.setting_problems = problems

    def threshold(self, rule_id: str) -> int:
        config = self.configs.get(rule_id)
        if config is not None and config.threshold is not None:
            return config.threshold
        default = REGISTRY[rule_id].threshold
        assert default is not None, f"rule {rule_id} has no threshold"
        return default

    def enabled(self, rule_id: str) -> bool:
        config = self.configs.get(rule_id)
        return config is None or config.enabled

    def severity(self, rule_obj: Rule, escalated: Severity | None) -> Severity:
        config = self.configs.get(rule_obj.id)
        if config is not None and config.severity is not None:
            return config.severity
        return escalated or rule_obj.severity


# ---------------------------------------------------------------- running


def _location_key(facts: Facts, at: Location) -> tuple[int, Key, str]:
    collection, item_id, suffix = at
    if is_item_collection(collection):
        return _COLLECTION_RANK[collection], facts.key(collection, item_id), suffix
    return _COLLECTION_RANK.get(collection, 5), natural_key(item_id), suffix


class Engine:
    """Findings per (scope, unit) over one design; `diagnostics()` hands them out."""

    def __init__(self, design: Design, baseline: Design | None = None) -> None:
        self.facts = Facts(design, baseline)
        self.suppressions: dict[Subject, frozenset[str]] = {}
        self.results: dict[tuple[Scope, str], tuple[Finding, ...]] = {}
        configs, problems = resolve_settings(design.settings.rules)
        self.context = Context(self.facts, configs, problems)
        self._enabled: dict[Scope, list[tuple[Rule, Check]]] = {
            scope: [(r, r.checks[scope]) for r in _BY_SCOPE[scope] if self.context.enabled(r.id)]
            for scope in SCOPES
        }
        self._dispatch: dict[
            tuple[Scope, MessageKind | None, Transport | None], list[tuple[Rule, Check]]
        ] = {}
        for collection, items in (
            ("nodes", design.nodes),
            ("messages", design.messages),
            ("flows", design.flows),
        ):
            for item in items:
                if item.suppress:
                    self.note_suppressions(collection, item.id, item.suppress)
        for scope in SCOPES:
            for unit in list(self.facts.units(scope)):
                self.run(scope, unit, known=True)

    def note_suppressions(self, collection: str, item_id: str, suppress: Iterable[Any]) -> None:
        rules = frozenset(s.rule for s in suppress)
        if rules:
            self.suppressions[(collection, item_id)] = rules
        else:
            self.suppressions.pop((collection, item_id), None)

    def run(self, scope: Scope, unit: str, *, known: bool = False) -> None:
        """(Re-)check one unit with every enabled rule of its scope that can apply to it."""
        facts = self.facts
        if not known and not facts.has_unit(scope, unit):
            self.results.pop((scope, unit), None)
            return
        kind: MessageKind | None = None
        transport: Transport | None = None
        if scope == "flow":
            flow = facts.flows[unit]
            message = facts.messages.get(flow.message)
            kind, transport = (message.kind if message is not None else None), flow.transport
        elif scope == "message":
            kind = facts.messages[unit].kind
        checks = self._dispatch.get((scope, kind, transport))
        if checks is None:
            checks = [(r, c) for r, c in self._enabled[scope] if r.applies(kind, transport)]
            self._dispatch[(scope, kind, transport)] = checks
        found: list[Finding] = []
        context = self.context
        for rule_obj, check in checks:
            for report in check(context, unit):
                found.append(self._finding(rule_obj, report))
        if found:
            self.results[(scope, unit)] = tuple(found)
        else:
            self.results.pop((scope, unit), None)

    def _finding(self, rule_obj: Rule, report: Report) -> Finding:
        severity = self.context.severity(rule_obj, report.severity)
        sort_key = (
            SEVERITY_RANK[severity],
            _location_key(self.facts, report.at),
            rule_obj.id,
            report.message,
            report.hint,
            report.subjects,
        )
        return Finding(
            rule_obj.id, severity, report.message, report.hint, report.subjects, report.at, sort_key
        )

    def _suppressed(self, finding: Finding) -> bool:
        for subject in (finding.at[:2], *finding.subjects):
            rules = self.suppressions.get(subject)
            if rules is not None and finding.rule in rules:
                return True
        return False

    def findings(self) -> Iterator[Finding]:
        for unit_findings in self.results.values():
            yield from unit_findings

    def path(self, at: Location) -> str:
        collection, item_id, suffix = at
        if is_item_collection(collection):
            order = self.facts.order[collection]
            if item_id in order.key_of:
                return f"$.{collection}[{order.index(item_id)}]{suffix}"
            return f"$.{collection}"
        if collection == "settings":
            return _json_path(("settings", "rules", item_id))
        return "$"

    def diagnostic(self, finding: Finding) -> Diagnostic:
        return Diagnostic(
            finding.rule,
            finding.severity,
            finding.message,
            finding.hint,
            tuple([item_id for _, item_id in finding.subjects]),
            self.path(finding.at),
        )

    def diagnostics(self) -> list[Diagnostic]:
        findings = [f for f in self.findings() if not (self.suppressions and self._suppressed(f))]
        findings.sort(key=_sort_key)
        return [self.diagnostic(f) for f in findings]


def _sort_key(finding: Finding) -> tuple[Any, ...]:
    return finding.sort_key


def _json_path(parts: tuple[str, ...]) -> str:
    from ..errors import json_path

    return json_path(parts)


def validate(design: Design, baseline: Design | None = None) -> list[Diagnostic]:
    """Every diagnostic of the rule catalogue for `design`, in a stable order.

    With `baseline` (the previous version of the design) `breaking-change` runs too.
    Order: errors, warnings, infos; within a severity, in file order (nodes, messages,
    flows, settings), then by rule id.
    """
    with collector_paused():
        return Engine(design, baseline).diagnostics()
