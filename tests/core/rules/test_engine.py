"""The engine as a whole: output shape, paths, ordering, the example designs."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from designer.core import io
from designer.core.model import Severity
from designer.core.rules import REGISTRY, validate
from designer.core.rules.facts import fast_natural_key
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir

from .builders import design


def test_shop_example_has_no_errors() -> None:
    shop = io.load(examples_dir() / "shop.msgflow.json")
    assert not [d for d in validate(shop) if d.severity is Severity.ERROR]


def test_violations_example_reports_every_rule_its_items_were_built_to_show() -> None:
    path = examples_dir() / "violations.msgflow.json"
    violations = io.load(path)
    diagnostics = validate(violations)
    fired = {(d.rule, subject) for d in diagnostics for subject in d.subjects}
    promised = 0
    for item in [*violations.messages, *violations.nodes]:
        for rule_id in re.findall(r"[a-z]+(?:-[a-z]+)+", item.description or ""):
            if rule_id in REGISTRY:
                promised += 1
                assert (rule_id, item.id) in fired, f"{item.id} should show {rule_id}"
    assert promised >= 20
    # Every rule that can fire without a baseline shows up somewhere in the example.
    assert {d.rule for d in diagnostics} == set(REGISTRY) - {"breaking-change"}


def test_json_shape_is_exactly_the_documented_keys() -> None:
    diagnostics = validate(
        design({"c": ("OrderSubmitted", "command")}, [("c", "web", "orders", "http")])
    )
    assert diagnostics
    for diagnostic in diagnostics:
        data = json.loads(json.dumps(diagnostic.to_json()))
        assert list(data) == ["rule", "severity", "message", "hint", "subjects", "path"]
        assert data["severity"] in ("error", "warning", "info")
        assert all(isinstance(s, str) for s in data["subjects"])


def test_paths_index_the_canonical_file_in_natural_id_order() -> None:
    flows = [("e", "orders", "loyalty", "topic")] * 9 + [("e", "orders", "loyalty", "http")]
    built = design({"e": ("OrderShipped", "event")}, flows)  # flow ids f1..f10; f10 is http
    built.flows.reverse()  # the in-memory order must not matter
    found = [d for d in validate(built) if d.rule == "event-must-be-async"]
    canonical = json.loads(io.dumps(built))
    index = int(re.match(r"\$\.flows\[(\d+)\]", found[0].path).group(1))  # type: ignore[union-attr]
    assert canonical["flows"][index]["id"] == "f10"
    assert found[0].path == "$.flows[9].transport"


def test_diagnostics_come_errors_first_then_in_file_order() -> None:
    diagnostics = validate(io.load(examples_dir() / "violations.msgflow.json"))
    ranks = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    assert [ranks[d.severity] for d in diagnostics] == sorted(
        ranks[d.severity] for d in diagnostics
    )


def test_validation_is_deterministic_whatever_the_list_order() -> None:
    first = synthetic_design(60, seed=4)
    shuffled = first.model_copy(deep=True)
    shuffled.flows.reverse()
    shuffled.messages.reverse()
    shuffled.nodes.reverse()
    assert validate(first) == validate(shuffled)


def test_dangling_references_never_crash_the_rules() -> None:
    broken = design({"c": ("SubmitOrder", "command")}, [("c", "web", "orders", "http")])
    broken.flows[0] = broken.flows[0].model_copy(
        update={"target": "nowhere", "caused_by": "missing"}
    )
    validate(broken)  # the loader refuses such files; a half-made edit must still validate


@given(st.text(alphabet="ab-_09٣x²", max_size=8))
def test_fast_natural_key_equals_the_file_order_key(text: str) -> None:
    assert fast_natural_key(text) == io.natural_key(text)


def test_a_very_long_sync_chain_is_reported_with_its_middle_elided() -> None:
    from designer.core.model import Design

    hops = 2500  # far beyond Python's recursion limit
    built = Design.model_validate(
        {
            "nodes": [{"id": f"s{i}", "name": f"S{i}"} for i in range(hops + 1)],
            "messages": [
                {
                    "id": f"m{i}",
                    "name": f"DoStep{i}",
                    "kind": "command",
                    "fields": [{"name": "id", "type": "uuid"}],
                }
                for i in range(hops)
            ],
            "flows": [
                {
                    "id": f"f{i}",
                    "message": f"m{i}",
                    "from": f"s{i}",
                    "to": f"s{i + 1}",
                    "transport": "http",
                    **({"caused_by": f"m{i - 1}"} if i else {}),
                }
                for i in range(hops)
            ],
        }
    )
    chain = [d for d in validate(built) if d.rule == "sync-chain-depth"]
    assert len(chain) == 1
    assert chain[0].message.startswith(f"Synchronous chain of {hops} hops: S0 → S1")
    assert "more" in chain[0].message and len(chain[0].message) < 400
