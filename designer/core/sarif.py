"""SARIF 2.1.0 output, so GitHub code scanning (and any SARIF viewer) shows the findings.

Each result points at the design file, on the line where the item starts, and carries the
JSON path as a logical location. Rule metadata comes from the registry. Files that could
not be read appear as tool execution notifications, not as results.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .diagnostics import Diagnostic
from .errors import Problem
from .io import natural_key
from .json_lines import JsonLines
from .model import Design, Severity
from .rules import REGISTRY, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_ITEM_PATH = re.compile(r"^\$\.(nodes|messages|flows)\[(\d+)\](.*)$")


@dataclass
class CheckedFile:
    """One design file as `msgflow validate` saw it."""

    path: str
    design: Design | None
    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # why it could not be read


def _uri(path: str) -> str:
    return quote(PurePath(path).as_posix(), safe="/:")


def _rules(registry: Mapping[str, Rule]) -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "name": "".join(part.capitalize() for part in rule.id.split("-")),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc},
            "help": {"text": f"{rule.summary}\n\n{rule.doc}"},
            "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            "properties": {"tags": ["messaging", rule.family]},
        }
        for rule in registry.values()
    ]


def _file_path(design: Design | None, lines: JsonLines, path: str) -> str:
    """The path of the same item in the file as written (its lists may not be sorted)."""
    match = _ITEM_PATH.match(path)
    if design is None or match is None:
        return path
    collection, index, rest = match.group(1), int(match.group(2)), match.group(3)
    ids = sorted((item.id for item in getattr(design, collection)), key=natural_key)
    if index >= len(ids):
        return path
    in_file = lines.by_id.get((f"$.{collection}", ids[index]))
    return in_file + rest if in_file else path


def _result(
    checked: CheckedFile,
    artifact: int,
    lines: JsonLines,
    rule_index: dict[str, int],
    diagnostic: Diagnostic,
) -> dict[str, Any]:
    line = lines.line(_file_path(checked.design, lines, diagnostic.path))
    return {
        "ruleId": diagnostic.rule,
        "ruleIndex": rule_index[diagnostic.rule],
        "level": _LEVEL[diagnostic.severity],
        "message": {"text": f"{diagnostic.message}. Fix: {diagnostic.hint}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(checked.path), "index": artifact},
                    "region": {"startLine": line},
                },
                "logicalLocations": [{"fullyQualifiedName": diagnostic.path, "kind": "object"}],
            }
        ],
        "partialFingerprints": {"msgflowPath/v1": f"{diagnostic.rule}:{diagnostic.path}"},
        "properties": {
            "hint": diagnostic.hint,
            "subjects": list(diagnostic.subjects),
            "path": diagnostic.path,
        },
    }


def sarif_log(
    files: Sequence[CheckedFile],
    *,
    version: str = "0",
    rules: Mapping[str, Rule] | None = None,
) -> dict[str, Any]:
    """One SARIF run covering every file given to `msgflow validate` (or `observe`, whose
    drift rules are passed as `rules` instead of the design rules)."""
    registry = REGISTRY if rules is None else rules
    rule_index = {rule_id: i for i, rule_id in enumerate(registry)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for artifact, checked in enumerate(files):
        lines = JsonLines(checked.text or "")
        for diagnostic in checked.diagnostics:
            results.append(_result(checked, artifact, lines, rule_index, diagnostic))
        for problem in checked.problems:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{checked.path}: {problem}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": _uri(checked.path), "index": artifact},
                                "region": {"startLine": lines.line(problem.path)},
                            }
                        }
                    ],
                }
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "msgflow",
                        "semanticVersion": version,
                        "rules": _rules(registry),
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "artifacts": [{"location": {"uri": _uri(f.path)}} for f in files],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
