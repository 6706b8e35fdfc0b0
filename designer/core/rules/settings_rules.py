"""Settings and suppressions that cannot be applied are reported, not ignored."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import Severity, Suppression
from .engine import REGISTRY, Context, Location, Report, Rule, register

FAMILY = "settings"


def _unknown_settings(ctx: Context, _unit: str) -> Iterator[Report]:
    for problem in ctx.setting_problems:
        if problem.unknown:
            yield Report(
                message=f"settings.rules names an {problem.text}",
                hint=f"Fix the rule id{_suggest(problem.key)} (see `msgflow rules`), or remove the entry",
                subjects=(),
                at=("settings", problem.key, ""),
            )


def _invalid_settings(ctx: Context, _unit: str) -> Iterator[Report]:
    for problem in ctx.setting_problems:
        if not problem.unknown:
            yield Report(
                message=f"settings.rules.{problem.key}: {problem.text}; the rule keeps its defaults",
                hint='Use "off", "error", "warning", "info" or {"severity": ..., "threshold": N}',
                subjects=(),
                at=("settings", problem.key, ""),
            )


def _suggest(rule_id: str) -> str:
    from ..errors import did_you_mean

    return did_you_mean(rule_id, REGISTRY)


def _suppressions(
    collection: str, item_id: str, name: str, suppress: Sequence[Suppression]
) -> Iterator[Report]:
    if not suppress:
        return
    for index, entry in enumerate(suppress):
        if entry.rule not in REGISTRY:
            where: Location = (collection, item_id, f".suppress[{index}]")
            yield Report(
                message=f"{name} suppresses an unknown rule '{entry.rule}'",
                hint=f"Fix the rule id{_suggest(entry.rule)} (see `msgflow rules`), or remove the suppression",
                subjects=((collection, item_id),),
                at=where,
            )


def _node_suppressions(ctx: Context, node_id: str) -> Iterator[Report]:
    node = ctx.facts.nodes[node_id]
    yield from _suppressions("nodes", node_id, f"Node {node.name}", node.suppress)


def _message_suppressions(ctx: Context, message_id: str) -> Iterator[Report]:
    message = ctx.facts.messages[message_id]
    yield from _suppressions("messages", message_id, f"Message {message.name}", message.suppress)


def _flow_suppressions(ctx: Context, flow_id: str) -> Iterator[Report]:
    flow = ctx.facts.flows[flow_id]
    yield from _suppressions("flows", flow_id, f"Flow {flow_id}", flow.suppress)


register(
    Rule(
        "unknown-rule-setting",
        Severity.WARNING,
        FAMILY,
        "settings.rules names a rule that does not exist.",
        "A misspelt rule id in the settings silently changes nothing; it is reported so the "
        "intended setting takes effect.",
        {"settings": _unknown_settings},
    )
)
register(
    Rule(
        "invalid-rule-setting",
        Severity.WARNING,
        FAMILY,
        "A rule setting that cannot be applied (bad severity, threshold or key).",
        "The rule keeps its default severity and threshold until the setting is fixed.",
        {"settings": _invalid_settings},
    )
)
register(
    Rule(
        "unknown-rule-suppression",
        Severity.WARNING,
        FAMILY,
        "A suppression names a rule that does not exist.",
        "A misspelt rule id in `suppress` silences nothing; it is reported so the intended "
        "suppression takes effect.",
        {"node": _node_suppressions, "message": _message_suppressions, "flow": _flow_suppressions},
    )
)
