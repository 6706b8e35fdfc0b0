"""The quick checks never let through a value the located walk would refuse."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings

from designer.core.json_limits import MAX_DEPTH, NumberWatch, limit_problems, may_exceed_limits
from tests.fuzz.documents import json_values, to_text
from tests.support.hypothesis_budget import examples


def _flagged(text: str) -> tuple[bool, Any]:
    numbers = NumberWatch()
    raw = json.loads(text, parse_int=numbers.parse_int, parse_float=numbers.parse_float)
    return may_exceed_limits(text, raw, numbers), raw


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_the_quick_checks_flag_every_settings_value_the_walk_refuses(value: object) -> None:
    text = to_text({"settings": value})
    flagged, raw = _flagged(text)
    if limit_problems(raw):
        assert flagged, text[:200]


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_depth_in_settings_is_refused_exactly_past_the_limit() -> None:
    # `settings` is at path length 1, so n arrays there put the innermost at length n.
    at_limit = '{"settings": ' + _nested(MAX_DEPTH - 1) + "}"
    flagged, raw = _flagged(at_limit)
    assert not limit_problems(raw) and not flagged
    past = '{"settings": ' + _nested(MAX_DEPTH) + "}"
    flagged, raw = _flagged(past)
    assert limit_problems(raw) and flagged


def test_brackets_inside_strings_are_not_nesting() -> None:
    flagged, raw = _flagged(json.dumps({"settings": {"name": "[" * 500}}))
    assert not flagged and not limit_problems(raw)


def test_the_walk_locates_each_kind_of_value() -> None:
    raw = json.loads('{"a": [1e309], "b": {"c": "\\ud83d"}, "d": ' + "9" * 25 + "}")
    assert [str(p).split(":")[0] for p in limit_problems(raw)] == ["$.a[0]", "$.b.c", "$.d"]
