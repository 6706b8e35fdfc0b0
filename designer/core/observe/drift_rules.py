"""The drift rules: how observed traffic disagrees with the design.

They read like the design rules (id, severity, summary, doc) and come out as the same
`Diagnostic`s, so text, JSON and SARIF output and the problems panel treat them alike.
They are not in the design-rule registry: they judge a system's traffic, not a file, so
`msgflow validate` and `msgflow rules` stay about the design alone.
"""

from __future__ import annotations

from ..model import Severity
from ..rules.engine import Rule

FAMILY = "drift"


def _rule(rule_id: str, severity: Severity, summary: str, doc: str) -> Rule:
    return Rule(rule_id, severity, FAMILY, summary, doc)


DRIFT_RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        _rule(
            "undeclared-traffic",
            Severity.WARNING,
            "Traffic the design does not have",
            "Messages travelled on a broker address no flow of the design uses, or carried a "
            "message type the design does not declare. Either the design is behind the system "
            "(add the flow) or something publishes where it should not.",
        ),
        _rule(
            "silent-flow",
            Severity.WARNING,
            "A designed flow carried nothing",
            "No message of the flow was seen for the whole observation window. The publisher "
            "may be down, publish elsewhere, or the flow may no longer exist.",
        ),
        _rule(
            "contract-violation",
            Severity.ERROR,
            "Payloads break the message's contract",
            "Observed payloads miss required fields or carry values of the wrong type for the "
            "message's declared fields: consumers built from the design will reject them.",
        ),
        _rule(
            "wrong-channel",
            Severity.ERROR,
            "A message type on another flow's channel",
            "A message of one type travelled on the address of a flow that carries another "
            "type: its consumers do not expect it.",
        ),
        _rule(
            "missing-channel-values",
            Severity.WARNING,
            "Messages without their channel's parameter values",
            "A Redis stream leaves a parameterised channel's {name} segments out of its "
            "name, so each entry names its channel with the values in (the header `channel`, "
            "as generated services send it). Entries without it, or naming another channel, "
            "reach handlers with no values in context.parameters.",
        ),
        _rule(
            "unanswered-request",
            Severity.ERROR,
            "A request got no reply in time",
            "A query was sent but no answer with its correlation id came back within the "
            "flow's timeout (timeout_ms; 5 s when unset, as in generated services).",
        ),
    )
}
