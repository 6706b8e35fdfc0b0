"""Whatever bytes arrive, the loader gives a valid design or a clean located error."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import io
from designer.core.errors import DesignLoadError
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.hypothesis_budget import examples

SHOP = (examples_dir() / "shop.msgflow.json").read_text(encoding="utf-8")


def _outcome(data: bytes | str) -> None:
    try:
        design = io.loads(data, "fuzz.msgflow.json")
    except DesignLoadError as error:
        assert error.problems, "an error without problems tells the user nothing"
        for line in error.describe().splitlines():
            assert line.startswith("fuzz.msgflow.json: $"), line
        return
    assert isinstance(design, Design)
    text = io.dumps(design)
    assert io.dumps(io.loads(text)) == text  # anything accepted can be saved and reread


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _outcome(data)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.integers(1, 8))
def test_byte_mutations_of_a_real_design(seed: int, count: int) -> None:
    rng = random.Random(seed)
    data = bytearray(SHOP.encode("utf-8"))
    for _ in range(count):
        position = rng.randrange(len(data))
        action = rng.randrange(3)
        if action == 0:
            data[position] = rng.randrange(256)
        elif action == 1:
            del data[position]
        else:
            data.insert(position, rng.choice(b'{}[]",:0a\\'))
    _outcome(bytes(data))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_structural_mutations_of_a_real_design(data: st.DataObject) -> None:
    raw = json.loads(SHOP)
    for _ in range(data.draw(st.integers(1, 4))):
        section = data.draw(st.sampled_from(["nodes", "messages", "flows", "schemas"]))
        items = raw[section]
        if not items:
            continue
        item = items[data.draw(st.integers(0, len(items) - 1))]
        key = data.draw(st.sampled_from([*sorted(item), "extra"]))
        item[key] = data.draw(json_values)
    _outcome(json.dumps(raw))
