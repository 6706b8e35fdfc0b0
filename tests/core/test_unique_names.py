"""The one helper every "make it unique" place uses."""

from __future__ import annotations

from designer.core.unique_names import numbered_name, unique_name


def test_a_free_name_is_kept_and_a_taken_one_gets_the_first_free_number() -> None:
    assert unique_name("orders", set()) == "orders"
    assert unique_name("orders", {"orders", "orders-2"}) == "orders-3"
    assert unique_name("field", {"field"}, sep="") == "field2"


def test_a_name_must_be_free_in_every_collection_given() -> None:
    assert unique_name("name", {"name"}, {"name_2"}, sep="_") == "name_3"


def test_numbered_names_count_on_from_the_start_past_taken_ones() -> None:
    assert numbered_name("f", {"f1", "f2", "f4"}) == "f3"
    assert numbered_name("f", {"f5"}, start=5) == "f6"
    assert numbered_name("Service ", {"Service 3"}, start=3) == "Service 4"
