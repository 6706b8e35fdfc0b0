"""Addresses of one message differing in one segment fold into a parameterised channel
(on Redis: the channels a stream's entries name in their `channel` header)."""

from __future__ import annotations

from designer.core.channels import ChannelNames
from designer.core.observe import Record
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


def _redis_entries(lights: tuple[str, ...]) -> list[Record]:
    """LightMeasured on one Redis stream, each entry naming its light in the header
    `channel`, as generated services write it."""
    return [
        model(
            i,
            "redis",
            "lights.streetlights.lighting.measured",
            {"lumens": 5},
            {"message_type": "LightMeasured", "channel": f"streetlights.{light}.lighting.measured"},
        )
        for i, light in enumerate(lights)
    ]


def test_a_redis_stream_gets_the_parameters_its_entries_name_in_their_header() -> None:
    result = infer(_redis_entries(("1", "2", "42", "7")))
    (flow,) = result.design.flows
    assert flow.channel == "streetlights.{streetlightsId}.lighting.measured"
    assert [(p.name, p.type) for p in flow.parameters] == [("streetlightsId", "integer")]
    # The design's stream for that flow is the stream the traffic was on.
    assert (
        ChannelNames(result.design).channel(flow).topic == "lights.streetlights.lighting.measured"
    )
    assert any("folded into streetlights.{streetlightsId}" in n for n in result.notes)


def test_a_redis_stream_whose_entries_name_two_values_keeps_no_parameter() -> None:
    result = infer(_redis_entries(("1", "2", "1")))
    (flow,) = result.design.flows  # one flow: the stream is one channel either way
    assert (flow.channel, flow.parameters) == (None, [])
    assert any("do not fold into one parameterised channel" in n for n in result.notes)
