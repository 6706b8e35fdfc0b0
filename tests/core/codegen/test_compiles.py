"""Property: for any valid design the generated Python compiles, for every broker."""

from __future__ import annotations

import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.broker_registry import BROKERS
from designer.core.codegen.python_target import python_project
from designer.core.codegen.targets import TargetOptions
from designer.core.model import Layout
from designer.core.synthetic import synthetic_design
from tests.support.hypothesis_budget import examples


def _compile(text: str, path: str) -> None:
    # An invalid escape sequence is only a warning to compile(): make it fail the test.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(text, path, "exec")


@settings(max_examples=examples(25), deadline=None)
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
        _compile(text, path)


def test_generation_is_deterministic() -> None:
    design = synthetic_design(20, seed=7)
    assert python_project(design, TargetOptions()) == python_project(design, TargetOptions())


_NAMES = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")


@settings(max_examples=examples(20), deadline=None)
@given(data=st.data(), seed=st.integers(min_value=0, max_value=1000))
def test_any_names_give_distinct_identifiers_and_code_that_compiles(
    data: st.DataObject, seed: int
) -> None:
    design = synthetic_design(6, seed=seed)
    node_ids = data.draw(
        st.lists(_NAMES, min_size=len(design.nodes), max_size=len(design.nodes), unique=True)
    )
    rename = {n.id: new for n, new in zip(design.nodes, node_ids, strict=True)}
    design.nodes = [
        n.model_copy(update={"id": rename[n.id], "name": data.draw(_NAMES)}) for n in design.nodes
    ]
    design.flows = [
        f.model_copy(update={"source": rename[f.source], "target": rename[f.target]})
        for f in design.flows
    ]
    messages = []
    for message in design.messages:
        owner = rename.get(message.owner or "", message.owner)
        message_name = data.draw(_NAMES)
        names = data.draw(
            st.lists(
                _NAMES, min_size=len(message.fields), max_size=len(message.fields), unique=True
            )
        )
        fields = [
            field.model_copy(update={"name": name})
            for field, name in zip(message.fields, names, strict=True)
        ]
        update = {"owner": owner, "name": message_name, "fields": fields}
        messages.append(message.model_copy(update=update))
    design.messages = messages
    design.layout = Layout()
    files = python_project(design, TargetOptions())
    packages = {path.split("/")[0] for path in files if path.endswith("/_generated.py")}
    assert len(packages) == len([n for n in design.nodes if n.is_service])
    assert all(p.isidentifier() and p.isascii() for p in packages)
    for path, text in files.items():
        assert ".." not in path.split("/") and not path.startswith("/")
        if path.endswith(".py"):
            _compile(text, path)
