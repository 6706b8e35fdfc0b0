"""The YAML msgflow writes (AsyncAPI, compose, Kafka state, EventCatalog) is PyYAML's text.

`yaml_text.dump` writes most documents itself (yaml_block) for speed; these tests hold it
to the bytes PyYAML writes for the same data, on generated data full of what YAML treats
specially and on the real documents of the bundled examples.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core import io, yaml_block, yaml_text
from designer.core.exporters.asyncapi import export_asyncapi
from designer.resources import examples_dir
from tests.support.hypothesis_budget import examples

ESCAPES_ONLY_LIBYAML_WRITES = ("\\U", "\\N", "\\L", "\\P")


def pyyaml_text(data: Any, plain: bool = False, **options: Any) -> str:
    """What PyYAML writes: libyaml's emitter, or the Python one for the few characters
    libyaml escapes and the Python emitter keeps (the rule yaml_text documents)."""

    def dumper(base: type[yaml.SafeDumper]) -> type[yaml.SafeDumper]:
        class Dumper(base):  # type: ignore[valid-type,misc]
            def ignore_aliases(self, data: Any) -> bool:
                return plain or bool(super().ignore_aliases(data))

        return Dumper

    chosen = {"allow_unicode": True, "sort_keys": False, **options}
    text: str = yaml.dump(data, Dumper=dumper(yaml.CSafeDumper), **chosen)
    if any(escape in text for escape in ESCAPES_ONLY_LIBYAML_WRITES):
        text = yaml.dump(data, Dumper=dumper(yaml.SafeDumper), **chosen)
    return text


TRICKY = [
    "yes", "no", "on", "Off", "null", "~", "true", "1.5", "-.5", "+1", "0x1F", "0o7", "1_000",
    "12:30", "2024-01-01", "<<", "=", "-", "- item", "? x", "key: value", "a #b", "#c", "!tag",
    "&a", "*a", "|", ">", "@", "`", "%", "[x]", "{x}", "'", '"', "", " ", " lead", "trail ",
    "a\nb", "a\tb", "\x7f", "\x85", "\u2028", "\ufeff", "C:\\Users", "é" * 40, "名前", "🎉",
    "x" * 130, "word " * 50,
]  # fmt: skip
texts = st.sampled_from(TRICKY) | st.text(
    alphabet=st.sampled_from(list("ab -:#'\"\\\n\t?!&*|>%@`{}[],=~.09é名🎉\x85\u2028")),
    max_size=10,
)
scalars = texts | st.integers() | st.booleans() | st.none()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=25,
)
documents = st.dictionaries(texts, values, min_size=1, max_size=5)


@settings(max_examples=examples(300), deadline=None)
@given(documents, st.booleans(), st.sampled_from([None, 20, 80, 200, 1000]))
def test_any_plain_data_is_written_as_pyyaml_writes_it(
    data: dict[str, Any], plain: bool, width: int | None
) -> None:
    options = {} if width is None else {"width": width}
    assert yaml_text.dump(data, plain=plain, **options) == pyyaml_text(data, plain, **options)


# Cases where a naive writer goes wrong: strings spelled over several lines (a line break
# of any kind, deeper than the first level), lines long enough to be folded, keys too long
# or empty for a simple `key:`, numbers and words YAML would read as something else.
HARD = [
    {"a": {"b": "x\u2028y", "c": ["--\u2029"]}},
    {"a": [{"b": "one\ntwo"}]},
    {"a": {"b": "line\x85next"}},
    {"a": {"b": "carriage\rreturn"}},
    {"a": [["word " * 40]]},
    {"k" * 130: 1, "": "empty key", "b": {"": []}},
    {"a": ["yes", "1.5", "null", "0x1F", "~", "2024-01-01", 7, True, None]},
    {"a": {"b": {"c": {"d": "C:\\Users"}}}},
    {"a": 1.5},
    {1: "int key", "b": ["emoji 🎉"]},
]


@pytest.mark.parametrize("data", HARD)
@pytest.mark.parametrize("width", [None, 30, 1000])
def test_hard_cases_are_written_as_pyyaml_writes_them(
    data: dict[Any, Any], width: int | None
) -> None:
    options = {} if width is None else {"width": width}
    for plain in (False, True):
        assert yaml_text.dump(data, plain=plain, **options) == pyyaml_text(data, plain, **options)


def test_a_mapping_met_twice_is_an_anchor_unless_plain() -> None:
    shared = {"name": "orders", "tags": ["a", "b"]}
    data = {"first": shared, "second": [shared], "third": {}}
    anchored = yaml_text.dump(data)
    assert "&id001" in anchored and anchored == pyyaml_text(data)
    spelled_out = yaml_text.dump(data, plain=True)
    assert "&id" not in spelled_out and spelled_out == pyyaml_text(data, plain=True)


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "kafka", "redis"])
def test_the_examples_asyncapi_documents_are_pyyamls_text(broker: str) -> None:
    for example in sorted(examples_dir().glob("*.msgflow.json")):
        for name, document in export_asyncapi(io.load(example), broker).items():
            written = yaml_block.block_text(
                document, False, {"allow_unicode": True, "sort_keys": False, "width": 1000}
            )
            # The direct writer handles these documents (else this test would prove little).
            assert written is not None, (example.name, name)
            assert written == pyyaml_text(document, width=1000), (example.name, name)
