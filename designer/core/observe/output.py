"""An observation report as text (people), JSON (scripts) or SARIF (code scanning)."""

from __future__ import annotations

import json
from typing import Any

from ..diagnostics import count_by_severity, findings_text
from ..errors import one_line
from ..model import Severity
from ..sarif import CheckedFile, sarif_log
from .analysis import ObservationReport
from .drift_rules import DRIFT_RULES


def _latency(values: dict[str, float] | None) -> str:
    if not values:
        return "-"
    return "/".join(f"{values[k]:.1f}" for k in ("p50", "p95", "p99"))


def format_text(path: str, report: ObservationReport) -> str:
    lines = [
        f"{path}: observed {report.records} message(s) on {report.broker or 'no broker'} "
        f"for {report.seconds:.1f} s"
    ]
    header = (
        "flow",
        "message",
        "address",
        "msgs",
        "rate/s",
        "bad",
        "replies",
        "latency p50/95/99 ms",
    )
    rows = [
        (
            f.flow_id,
            f.message_id,
            f.address,
            str(f.messages),
            f"{f.rate:.2f}",
            str(f.violations),
            str(f.replies) if f.replies or f.latency_ms else "-",
            _latency(f.latency_ms),
        )
        for f in report.flows
    ]
    widths = [max(len(one_line(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  "
            + "  ".join(one_line(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    for stray in report.undeclared:
        types = ", ".join(f"{one_line(t)} ×{n}" for t, n in stray.types.most_common(5))
        lines.append(
            f"  undeclared: {one_line(stray.address)}  {stray.messages} message(s) ({types})"
        )
    lines.extend(findings_text(path, report.findings))
    counts = count_by_severity(report.findings)
    lines.append(
        f"{path}: "
        + (
            "no drift"
            if not report.findings
            else f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} info"
        )
    )
    return "\n".join(lines)


def format_json(path: str, report: ObservationReport) -> str:
    return json.dumps({"design": path, **report.to_json()}, indent=2, ensure_ascii=False)


def format_sarif(
    path: str, design_text: str | None, report: ObservationReport, version: str
) -> str:
    checked = CheckedFile(path, None, design_text, diagnostics=list(report.findings))
    log: dict[str, Any] = sarif_log([checked], version=version, rules=DRIFT_RULES)
    return json.dumps(log, indent=2, ensure_ascii=False)
