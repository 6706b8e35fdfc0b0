"""Format version 2: the arrows' shapes the user chose (`layout.flows`), the migration
of version 1 files, and hostile values refused with their place in the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.core import io
from designer.core.diff import diff_designs, format_text
from designer.core.errors import DesignLoadError
from designer.core.model import CURRENT_VERSION, MAX_BENDS, FlowLayout, Point, RouteStyle
from designer.resources import examples_dir

SHOP = examples_dir() / "shop.msgflow.json"
SHOP_V1 = Path(__file__).parents[1] / "data" / "shop-v1.msgflow.json"


def shop() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHOP.read_text(encoding="utf-8"))
    return data


def shaped_shop() -> str:
    design = io.load(SHOP)
    design.layout.flows["f1"] = FlowLayout(
        bends=[Point(x=110, y=-60), Point(x=510, y=-60)], label=Point(x=300, y=-80)
    )
    design.layout.flows["f2"] = FlowLayout(route=RouteStyle.CURVED)
    design.layout.flows["f3"] = FlowLayout(route=RouteStyle.STRAIGHT, bends=[Point(x=700, y=0)])
    return io.dumps(design)


def test_a_version_1_file_loads_with_its_positions_and_is_saved_as_version_2() -> None:
    old = json.loads(SHOP_V1.read_text(encoding="utf-8"))
    assert old["version"] == 1 and "web" in old["layout"]
    design = io.load(SHOP_V1)
    assert design.version == CURRENT_VERSION == 2
    assert {k: (p.x, p.y) for k, p in design.layout.nodes.items()} == {
        k: (v["x"], v["y"]) for k, v in old["layout"].items()
    }
    assert design.layout.flows == {}
    saved = json.loads(io.dumps(design))
    assert saved["version"] == 2 and saved["layout"]["nodes"] == old["layout"]
    assert io.dumps(io.loads(io.dumps(design))) == io.dumps(design)


def test_a_file_without_a_version_is_read_in_either_shape() -> None:
    flat = json.loads(SHOP_V1.read_text(encoding="utf-8"))
    split = shop()
    for raw in (flat, split):
        del raw["version"]
        assert io.loads(json.dumps(raw)).layout.nodes["web"] == Point(x=0, y=110)


def test_arrow_shapes_round_trip_canonically_one_line_per_arrow() -> None:
    text = shaped_shop()
    assert io.dumps(io.loads(text)) == text
    lines = text.splitlines()
    assert (
        '      "f1": {"bends": [{"x": 110, "y": -60}, {"x": 510, "y": -60}], '
        '"label": {"x": 300, "y": -80}},'
    ) in lines
    assert '      "f2": {"route": "curved"},' in lines
    assert '      "f3": {"route": "straight", "bends": [{"x": 700, "y": 0}]}' in lines
    design = io.loads(text)
    assert design.layout.flows["f1"].label == Point(x=300, y=-80)
    assert design.layout.flows["f3"].route is RouteStyle.STRAIGHT


def test_an_entry_choosing_nothing_is_not_written() -> None:
    design = io.load(SHOP)
    design.layout.flows["f1"] = FlowLayout()
    assert io.dumps(design) == SHOP.read_text(encoding="utf-8")


def test_diff_reports_a_redrawn_arrow() -> None:
    old = io.load(SHOP)
    new = io.loads(shaped_shop())
    diff = diff_designs(old, new)
    assert diff.reshaped == ["f1", "f2", "f3"] and not diff.same
    assert "layout: 3 arrow(s) redrawn (f1, f2, f3)" in format_text(diff, "old", "new")


def _bad(mutate: Any) -> str:
    raw = json.loads(shaped_shop())
    mutate(raw)
    with pytest.raises(DesignLoadError) as caught:
        io.loads(json.dumps(raw).replace('"NAN"', "NaN"), "bad.msgflow.json")
    return caught.value.describe()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: r["layout"]["flows"]["f1"]["bends"][1].update(x=1e12),
            "$.layout.flows.f1.bends[1].x: input should be less than or equal to 1000000000",
        ),
        (
            lambda r: r["layout"]["flows"]["f1"]["label"].update(y="NAN"),
            "not valid JSON: NaN is not a JSON number",
        ),
        (
            lambda r: r["layout"]["flows"]["f1"].update(bends=[{"x": 1, "y": 2}] * (MAX_BENDS + 1)),
            f"$.layout.flows.f1.bends: list should have at most {MAX_BENDS} items",
        ),
        (
            lambda r: r["layout"]["flows"]["f2"].update(route="zigzag"),
            "$.layout.flows.f2.route: input should be 'orthogonal', 'curved' or 'straight'",
        ),
        (
            lambda r: r["layout"]["flows"]["f1"].update(label=[1, 2]),
            "$.layout.flows.f1.label: input should be a valid dictionary or instance of Point",
        ),
        (
            lambda r: r["layout"]["flows"]["f1"].update(colour="red"),
            "$.layout.flows.f1: unknown key 'colour'",
        ),
        (
            lambda r: r["layout"]["flows"].update(f99={"route": "curved"}),
            "$.layout.flows.f99: layout for unknown flow 'f99'",
        ),
        (
            lambda r: r["layout"].update(arrows={}),
            "$.layout: unknown key 'arrows'",
        ),
    ],
)
def test_hostile_arrow_layouts_are_refused_with_their_place(mutate: Any, expected: str) -> None:
    message = _bad(mutate)
    assert expected in message, message
    assert "Traceback" not in message


def test_a_bad_position_in_a_version_1_file_is_located_where_that_file_has_it() -> None:
    raw = json.loads(SHOP_V1.read_text(encoding="utf-8"))
    raw["layout"]["web"]["x"] = 5e9
    raw["layout"]["ghost"] = {"x": 1, "y": 2}
    with pytest.raises(DesignLoadError) as caught:
        io.loads(json.dumps(raw), "old.msgflow.json")
    message = caught.value.describe()
    assert "$.layout.web.x: input should be less than or equal to 1000000000" in message
    assert "$.layout.nodes" not in message


def test_the_command_line_refuses_a_hostile_bend_with_exit_2_and_keeps_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.loads(shaped_shop())
    raw["layout"]["flows"]["f1"]["bends"][0]["y"] = -3e9
    path = tmp_path / "bent.msgflow.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    before = path.read_bytes()
    for command in (
        ["validate"],
        ["fmt"],
        ["export", "--to", "svg", "-o", str(tmp_path / "o.svg")],
    ):
        code = main([command[0], str(path), *command[1:]])
        err = capsys.readouterr().err
        assert code == 2, (command, err)
        assert f"{path}: $.layout.flows.f1.bends[0].y: input should be greater than" in err
        assert "Traceback" not in err
    assert path.read_bytes() == before
    assert not (tmp_path / "o.svg").exists()
