"""How the inspector's tables share their width: names and types first, notes after."""

from __future__ import annotations

from designer.qt.panels.column_fit import Column, widths

FIELDS = (
    Column(leading=True),
    Column(leading=True),
    Column(leading=False, floor=36, weight=0),
    Column(leading=False, weight=1),
    Column(leading=False, weight=2),
)
NEEDS = (85, 116, 35, 49, 82)


def test_a_wide_table_gives_names_and_types_their_width_and_the_notes_the_rest():
    assert widths(400, FIELDS, NEEDS) == [85, 116, 36, 70, 93]


def test_a_narrow_table_keeps_names_and_types_whole_and_scrolls_the_notes():
    found = widths(210, FIELDS, NEEDS)
    assert found[:2] == [85, 116]  # inside the 210 visible pixels
    assert found[2:] == [36, 48, 48] and sum(found) > 210


def test_only_a_table_narrower_than_name_and_type_cuts_them_in_proportion():
    found = widths(150, FIELDS, NEEDS)
    assert found[:2] == [63, 86]
    assert widths(60, FIELDS, NEEDS)[:2] == [48, 48]  # never below a column's floor


def test_a_very_long_name_is_capped_and_scrolls():
    assert widths(400, FIELDS, (900, 116, 35, 49, 82))[0] == 170
