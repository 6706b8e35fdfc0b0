"""Property: for any valid design the generated Python compiles, for every broker."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.codegen.python_target import python_project
from designer.core.codegen.targets import BROKERS, TargetOptions
from designer.core.synthetic import synthetic_design


@settings(max_examples=25, deadline=None)
@given(
    services=st.integers(min_value=0, max_value=25),
    seed=st.integers(min_value=0, max_value=10_000),
    broker=st.sampled_from(BROKERS),
)
def test_generated_code_always_compiles(services: int, seed: int, broker: str) -> None:
    files = python_project(synthetic_design(services, seed=seed), TargetOptions(broker=broker))
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    assert "msgflow_runtime.py" in python
    for path, text in python.items():
        compile(text, path, "exec")


def test_generation_is_deterministic() -> None:
    design = synthetic_design(20, seed=7)
    assert python_project(design, TargetOptions()) == python_project(design, TargetOptions())
