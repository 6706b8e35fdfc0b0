"""Identifiers from free-text design names: valid, unsurprising, distinct, stable."""

from __future__ import annotations

import keyword

from designer.core.codegen.context_builder import build_context
from designer.core.codegen.identifiers import IdentifierMap, is_identifier, pascal, snake
from designer.core.synthetic import synthetic_design

from .hostile import hostile_design


def test_snake_and_pascal_make_identifiers_from_anything() -> None:
    assert snake("Order Service") == "order_service"
    assert snake("SubmitOrder") == "submit_order"
    assert snake("ünïcode") == "unicode"
    assert snake("2fast").startswith("x") and is_identifier(snake("2fast"))
    assert pascal("submit-order") == "SubmitOrder"
    assert pascal("2fast")[0].isalpha()
    for text in ["名前", "../../etc", "", "  ", "a" * 200, "class"]:
        assert snake(text).isidentifier() and snake(text).isascii()
        assert pascal(text).isidentifier() and pascal(text).isascii()
        assert len(snake(text)) <= 40


def test_keywords_and_reserved_names_get_a_suffix_and_clashes_a_number() -> None:
    ids = IdentifierMap()
    got = ids.assign_all(
        "package",
        {"a": "class", "b": "json", "c": "orders", "d": "orders"},
        reserved={"json"},
        reserved_suffix="_service",
    )
    assert got["a"] == "class_service" and not keyword.iskeyword(got["a"])
    assert got["b"] == "json_service"
    assert {got["c"], got["d"]} == {"orders", "orders_2"}


def test_mapping_is_stable_when_items_are_added() -> None:
    first = IdentifierMap()
    first.assign_all("package", {"order_service": "order_service"})
    # A new id that sorts first and sanitises alike must not steal the old name.
    second = IdentifierMap(first.mapping())
    got = second.assign_all(
        "package", {"Order Service": "order_service", "order_service": "order_service"}
    )
    assert got["order_service"] == "order_service"
    assert got["Order Service"] == "order_service_2"


def test_hostile_design_packages_are_distinct_valid_and_not_stdlib() -> None:
    context = build_context(hostile_design())
    packages = [s.package for s in context.services]
    assert len(set(packages)) == len(packages) == 8
    assert all(is_identifier(p) and p.isascii() for p in packages)
    assert "json" not in packages and "class" not in packages
    classes = [m.class_name for m in context.models]
    assert len(set(classes)) == len(classes)
    for model in context.models:
        idents = [f.ident for f in model.fields]
        assert len(set(idents)) == len(idents)
        assert all(is_identifier(i) and not i.startswith("model_") for i in idents)
        # The wire keeps the design's names: sanitised fields carry an alias.
        assert all(f.aliased == (f.ident != f.name) for f in model.fields)


def test_rebuilding_with_the_previous_mapping_changes_nothing() -> None:
    design = synthetic_design(30, seed=3)
    first = build_context(design)
    second = build_context(design, previous=first.identifiers)
    assert first.identifiers == second.identifiers
    assert first.ports == second.ports
