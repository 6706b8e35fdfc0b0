"""Addresses of one message differing in one segment fold into a parameterised channel."""

from __future__ import annotations

from designer.core.observe.address_folding import Addressed, find_folds
from designer.core.observe.infer_design import infer

from .traffic import model


def test_a_grid_of_addresses_folds_both_segments_in_two_rounds() -> None:
    records = [
        model(i, "nats", f"site.{site}.zone.{zone}.temp", {"c": 20}, {"type": "Temp"})
        for i, (site, zone) in enumerate(
            (s, z) for s in ("1", "2", "3") for z in ("north", "south", "east")
        )
    ]
    result = infer(records)
    (flow,) = result.design.flows
    assert flow.channel == "site.{siteId}.zone.{zoneId}.temp"
    assert [(p.name, p.type) for p in flow.parameters] == [
        ("siteId", "integer"),
        ("zoneId", "string"),
    ]
    folds = [n for n in result.notes if "folded" in n]
    assert len(folds) == 4  # three zones' sites first, then the zones


def test_different_senders_or_types_never_fold_together() -> None:
    items = {
        1: Addressed("lights.1.measured", "LightMeasured", True),
        2: Addressed("lights.2.measured", "LightMeasured", True),
        3: Addressed("lights.3.measured", "LightFailed", True),
    }
    assert find_folds(items) == []
    items[3] = Addressed("lights.3.measured", "LightMeasured", True)
    (fold,) = find_folds(items)
    assert (fold.channel, fold.values, fold.members) == (
        "lights.{lightsId}.measured",
        ("1", "2", "3"),
        (1, 2, 3),
    )


def test_a_parameter_name_already_in_the_channel_is_numbered() -> None:
    items = {n: Addressed(f"a.{{aId}}.a.{n}", "T", True) for n in ("x", "y", "z")}
    (fold,) = find_folds(items)
    assert fold.channel == "a.{aId}.a.{aId2}"
