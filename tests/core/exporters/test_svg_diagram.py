"""The pure-Python SVG diagram: arrow styles say the kind, badges say the transport."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from designer.core.diagram_style import KIND_COLOURS
from designer.core.exporters.svg import render_svg
from designer.core.layout import CARD_WIDTH
from designer.core.model import Design, MessageKind
from tests.core.exporters.hostile import hostile_design

NS = {"svg": "http://www.w3.org/2000/svg"}


def _flow_line(root: ET.Element, flow_id: str) -> ET.Element:
    group = root.find(f".//svg:g[@class='flow'][@data-id='{flow_id}']", NS)
    assert group is not None
    line = group.find("svg:path[@class='flow-line']", NS)
    assert line is not None
    return line


def test_arrow_styles_by_kind(shop: Design) -> None:
    root = ET.fromstring(render_svg(shop))
    command, query, event = _flow_line(root, "f1"), _flow_line(root, "f6"), _flow_line(root, "f2")
    assert (
        command.get("stroke") == KIND_COLOURS[MessageKind.COMMAND]
        and command.get("stroke-dasharray") is None
    )
    assert (
        query.get("stroke") == KIND_COLOURS[MessageKind.QUERY]
        and query.get("stroke-dasharray") == "12 7"
    )
    assert (
        event.get("stroke") == KIND_COLOURS[MessageKind.EVENT]
        and event.get("stroke-dasharray") == "2.6 4.4"
    )
    heads = {m.get("id"): m for m in root.iterfind(".//svg:marker", NS)}
    assert heads["head-command"][0].get("fill") == KIND_COLOURS[MessageKind.COMMAND]  # filled
    assert heads["head-query"][0].get("fill") == "none"  # open
    assert heads["head-event"][0].get("fill") == "none"  # open, as on the canvas


def test_every_arrow_has_a_transport_badge(shop: Design) -> None:
    svg = render_svg(shop)
    badges = re.findall(r'font-weight="700">(HTTP|QUEUE|TOPIC)</text>', svg)
    assert sorted(badges) == sorted(f.transport.value.upper() for f in shop.flows)


def test_cards_never_overlap_and_arrows_end_outside_cards(shop: Design) -> None:
    root = ET.fromstring(render_svg(shop))
    rects = [g.find("svg:rect", NS) for g in root.iterfind(".//svg:g[@class='node']", NS)]
    boxes = sorted((float(r.get("x") or 0), float(r.get("y") or 0)) for r in rects if r is not None)
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= CARD_WIDTH or abs(y1 - y2) >= 100


def test_hostile_names_are_escaped_and_the_svg_stays_well_formed() -> None:
    svg = render_svg(hostile_design())
    ET.fromstring(svg)  # parses: nothing broke out of an attribute or a text node
    assert "<img" not in svg and "<script" not in svg
