"""Targets of one generation run share work, and only within that run."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.core.codegen import context_builder, targets
from designer.core.codegen.plan import make_plan
from designer.core.model import Node, NodeKind
from designer.core.synthetic import synthetic_design


def test_generating_every_target_builds_the_generation_context_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    real_build = context_builder.ContextBuilder.build

    def counted(self: context_builder.ContextBuilder) -> object:
        builds.append(1)
        return real_build(self)

    monkeypatch.setattr(context_builder.ContextBuilder, "build", counted)
    plan = make_plan(synthetic_design(5), tmp_path, targets.resolve("all"), targets.TargetOptions())
    assert "docker-compose.yml" in plan.contents and "rabbitmq/definitions.json" in plan.contents
    assert len(builds) == 1  # the python and compose targets both use it


def test_a_design_edited_between_two_runs_is_generated_as_it_is_now(tmp_path: Path) -> None:
    design = synthetic_design(5)
    chosen = targets.resolve("all")
    first = make_plan(design, tmp_path, chosen, targets.TargetOptions())
    # Edited in place (as a script using the API may): no flows any more, a service more.
    design.flows.clear()
    design.nodes.append(Node(id="extra", name="Extra Service", kind=NodeKind.SERVICE))
    second = make_plan(design, tmp_path, chosen, targets.TargetOptions())
    assert b'"routing_key"' in first.contents["rabbitmq/definitions.json"]
    assert b'"routing_key"' not in second.contents["rabbitmq/definitions.json"]
    assert b"-m\n    - extra\n" not in first.contents["docker-compose.yml"]
    assert b"-m\n    - extra\n" in second.contents["docker-compose.yml"]
