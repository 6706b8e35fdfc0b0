"""Union field types, a field's `enum` and discriminators (file format version 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.core import io
from designer.core.commands import EditSchema
from designer.core.document import Document
from designer.core.errors import DesignLoadError, EditError
from designer.core.history import History
from designer.core.model import type_names, union_members

UNIONS = Path(__file__).parent.parent / "data" / "unions.msgflow.json"


def _raw() -> dict[str, Any]:
    return json.loads(UNIONS.read_text())  # type: ignore[no-any-return]


def _problems(raw: dict[str, Any]) -> str:
    with pytest.raises(DesignLoadError) as caught:
        io.loads(json.dumps(raw))
    return str(caught.value)


def test_union_design_loads_and_is_written_one_line_per_field() -> None:
    text = UNIONS.read_text()
    design = io.loads(text)
    assert io.dumps(design) == text
    assert '{"name": "size", "type": "string", "enum": ["small", "medium", "large"]}' in text
    message = design.message("shape-drawn")
    assert message is not None and message.one_of == ["Circle", "Square"]
    assert message.discriminator == "shape"


def test_version_1_file_loads_as_version_2_unchanged_otherwise() -> None:
    raw = _raw()
    raw["version"] = 1
    design = io.loads(json.dumps(raw))
    assert design.version == 2
    assert io.dumps(design) == UNIONS.read_text()


def test_union_grammar_splits_only_outside_brackets() -> None:
    assert union_members("Circle | Square") == ["Circle", "Square"]
    assert union_members("list[Circle | Square]") == ["list[Circle | Square]"]
    assert union_members("list[A] | map[string,B | C]") == ["list[A]", "map[string,B | C]"]
    assert type_names("list[A] | map[string,B | integer]") == ["A", "B", "integer"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda raw: raw["messages"][0]["fields"][1].update(type="Card | Coupon"),
            "$.messages[0].fields[1].type: unknown field type 'Coupon'",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][1].update(type="Card | Card"),
            "names an alternative twice",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][1].update(type="Card |"),
            "has an empty alternative",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][4].update(type="number | integer"),
            "every integer is a number: write number alone",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(type="date"),
            "$.messages[0].fields[3].enum: only a string, integer, number or boolean field "
            "lists its values; 'size' is date",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(type="integer"),
            "$.messages[0].fields[3].enum: field 'size' is integer: its value",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(type="integer", enum=[1, True]),
            "field 'size' is integer: its value true is not one",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(type="boolean", enum=[1]),
            "field 'size' is boolean: its value 1 is not one",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(type="number", enum=[1, 1.0]),
            "field 'size' lists a value twice",  # JSON's 1 and 1.0 are one number
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(type="number", enum=[0.5, "1"]),
            """field 'size' is number: its value "1" is not one""",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(enum=["a", "a"]),
            "lists a value twice",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][2].update(discriminator="method"),
            "$.messages[0].fields[2].discriminator: discriminator 'method': record 'Email' "
            "needs a required string field 'method' listing its values",
        ),
        (
            lambda raw: raw["messages"][0]["fields"][3].update(discriminator="size"),
            "needs a union of records",
        ),
        (
            lambda raw: raw["schemas"][5]["fields"][0].update(enum=["card"]),
            "value 'card' belongs to both 'Card' and 'Voucher'",
        ),
        (
            lambda raw: raw["messages"][1].update(one_of=["Circle"]),
            "$.messages[1].one_of: a union payload needs at least two records",
        ),
        (
            lambda raw: raw["messages"][1].update(one_of=["Circle", "Triangle"]),
            "$.messages[1].one_of: unknown record 'Triangle'",
        ),
        (
            lambda raw: raw["messages"][1].update(fields=[{"name": "x", "type": "string"}]),
            "$.messages[1].fields: a union payload (`one_of`) has no fields",
        ),
        (
            lambda raw: raw["messages"][2].update(discriminator="address"),
            "$.messages[2].discriminator: discriminator 'address': record 'Email' needs",
        ),
    ],
)
def test_impossible_unions_are_refused_where_they_are(change: Any, expected: str) -> None:
    raw = _raw()
    change(raw)
    assert expected in _problems(raw)


def test_record_edit_that_breaks_a_discriminated_union_is_refused() -> None:
    doc = Document(io.load(UNIONS))
    circle = doc.design.record("Circle")
    assert circle is not None
    no_tag = [f for f in circle.fields if f.name != "shape"]
    with pytest.raises(EditError, match="needs a required string field 'shape'"):
        History(doc).push(EditSchema("Circle", fields=no_tag))
    assert doc.design.record("Circle") == circle


def _changed(raw: dict[str, Any]) -> list[str]:
    from designer.core.diff import diff_designs

    old, new = io.load(UNIONS), io.loads(json.dumps(raw))
    return [
        ("BREAKING " if f in c.breaking else "") + f.describe()
        for c in diff_designs(old, new).changes
        for f in c.fields
    ] + [
        f"{a.key}: {a.old} -> {a.new}" for c in diff_designs(old, new).changes for a in c.attributes
    ]


def test_diff_shows_enum_discriminator_and_union_changes() -> None:
    raw = _raw()
    raw["messages"][0]["fields"][3]["enum"] = ["small", "large"]
    raw["messages"][0]["fields"][4]["type"] = "integer"
    raw["messages"][0]["fields"][1].pop("discriminator")
    raw["messages"][2]["one_of"] = ["Phone", "Email"]
    raw["messages"][1]["one_of"] = ["Circle", "Square", "Email"]
    raw["messages"][1].pop("discriminator")
    assert _changed(raw) == [
        "field 'payment' discriminator now none",
        "BREAKING field 'size' values narrowed to small, large",
        "BREAKING field 'copies' retyped integer | string → integer",
        "alternative 'Email' added",
        "one_of: ['Circle', 'Square'] -> ['Circle', 'Square', 'Email']",
        "discriminator: shape -> None",
        "one_of: ['Email', 'Phone'] -> ['Phone', 'Email']",
    ]
    raw["messages"][1]["one_of"] = ["Circle", "Email"]
    assert "BREAKING alternative 'Square' removed" in _changed(raw)
    # A query's union answer: a new alternative breaks requesters, a removed one does not.
    answer = raw["messages"][3]
    answer["response_one_of"] = ["Circle", "Square", "Email"]
    answer.pop("response_discriminator")
    changed = _changed(raw)
    assert "BREAKING answer alternative 'Email' added" in changed
    answer["response_one_of"] = ["Circle", "Email"]
    changed = _changed(raw)
    assert "answer alternative 'Square' removed" in changed


def test_a_record_change_read_through_a_union_breaks_its_consumers() -> None:
    raw = _raw()
    square = raw["schemas"][4]
    square["fields"] = [f for f in square["fields"] if f["name"] != "side"]
    from designer.core.diff import diff_designs

    changes = diff_designs(io.load(UNIONS), io.loads(json.dumps(raw))).changes
    (record,) = [c for c in changes if c.id == "Square"]
    # Square is read by BuyPrint (extras: list[Circle | Square]), ShapeDrawn (one_of) and
    # the answer of LookUpShape (response_one_of).
    assert {b.id for b in record.breaks} == {"buy-print", "shape-drawn", "shape-lookup"}
