"""The design drawn as plain SVG (no Qt): the diagram of the HTML page.

Arrow styles say the message kind at a glance, as on the canvas (diagram_style.py): a
command is a solid blue line with a filled head, a query a dashed green line with an open
head, an event a dotted orange line with an open head. A badge on each arrow names the
transport (HTTP, QUEUE, TOPIC).
Every card and arrow carries `data-id` so the page can make them clickable.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from designer.core.diagram_style import (
    FILLED_HEAD,
    KIND_COLOURS,
    TRANSPORT_BADGES,
    dash_array,
)
from designer.core.io import natural_key
from designer.core.layout import CARD_HEIGHT, CARD_WIDTH, auto_layout
from designer.core.model import Design, Flow, MessageKind, NodeKind

_LINE_WIDTH = 2.0
_MARGIN = 40
_LEGEND_HEIGHT = 70
_PARALLEL_GAP = 30  # between arrows joining the same two cards
_LABEL_ROOM = 200  # free space wanted between two linked cards for a label
_CHAR = 7.2  # average width of a 13px sans-serif character, for fitting text


@dataclass(frozen=True)
class _Box:
    x: float
    y: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + CARD_WIDTH / 2, self.y + CARD_HEIGHT / 2


def _fit(text: str, width: float, char: float = _CHAR) -> str:
    limit = max(3, int(width / char))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edge_point(box: _Box, towards: tuple[float, float], pad: float = 4) -> tuple[float, float]:
    """Where the line from the card's centre towards a point leaves the card."""
    cx, cy = box.centre
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (CARD_WIDTH / 2 + pad) / abs(dx) if dx else math.inf,
        (CARD_HEIGHT / 2 + pad) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def render_svg(design: Design, *, legend: bool = True) -> str:
    """A standalone SVG document of the design, fit to its content."""
    if any(n.id not in design.layout for n in design.nodes):
        design = auto_layout(design)  # a design never laid out still draws sensibly
    fx, fy = _spread(design)
    boxes = {
        n.id: _Box(design.layout[n.id].x * fx, design.layout[n.id].y * fy) for n in design.nodes
    }
    if boxes:
        left = min(b.x for b in boxes.values()) - _MARGIN
        top = min(b.y for b in boxes.values()) - _MARGIN
        right = max(b.x for b in boxes.values()) + CARD_WIDTH + _MARGIN
        bottom = max(b.y for b in boxes.values()) + CARD_HEIGHT + _MARGIN
    else:
        left, top, right, bottom = 0.0, 0.0, 600.0, 200.0
    width = max(right - left, 620.0)
    height = bottom - top + (_LEGEND_HEIGHT if legend else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="msgflow-diagram" '
        f'viewBox="{left:g} {top:g} {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">',
        f"<title>{escape(design.name)}</title>",
        _defs(),
        f'<rect x="{left:g}" y="{top:g}" width="{width:g}" height="{height:g}" fill="#ffffff"/>',
        '<g class="viewport">',
        *_boundaries(design, boxes),
        *_flows(design, boxes),
        *_cards(design, boxes),
        "</g>",
    ]
    if legend:
        parts.append(_legend(left + 16, bottom + 8))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _spread(design: Design) -> tuple[float, float]:
    """Factors stretching the layout so every arrow has room for its label between cards.

    The canvas shows labels on hover; a static page shows them all, so cards drawn close
    together are moved apart proportionally (the arrangement itself is kept).
    """
    fx = fy = 1.0
    for flow in design.flows:
        a, b = design.layout.get(flow.source), design.layout.get(flow.target)
        if a is None or b is None or flow.source == flow.target:
            continue
        dx, dy = abs(a.x - b.x), abs(a.y - b.y)
        if dx >= dy and dx > 0:
            fx = max(fx, (CARD_WIDTH + _LABEL_ROOM) / dx)
        elif dy > 0:
            fy = max(fy, (CARD_HEIGHT + _LABEL_ROOM / 2) / dy)
    # Capped: a big design keeps its proportions rather than becoming a thin strip.
    return min(fx, 1.5), min(fy, 1.5)


def _defs() -> str:
    markers = []
    for kind, colour in KIND_COLOURS.items():
        if not FILLED_HEAD[kind]:  # an open chevron
            shape = f'<path d="M1,1 L11,6 L1,11" fill="none" stroke="{colour}" stroke-width="1.6"/>'
        else:
            shape = f'<path d="M0,0 L12,6 L0,12 z" fill="{colour}"/>'
        markers.append(
            f'<marker id="head-{kind.value}" viewBox="0 0 12 12" refX="11" refY="6" markerWidth="12" '
            f'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto">{shape}</marker>'
        )
    return "<defs>" + "".join(markers) + "</defs>"


def _boundaries(design: Design, boxes: dict[str, _Box]) -> list[str]:
    groups: dict[str, list[_Box]] = defaultdict(list)
    for node in design.nodes:
        if node.boundary:
            groups[node.boundary].append(boxes[node.id])
    out = []
    for name in sorted(groups):
        members = groups[name]
        x = min(b.x for b in members) - 14
        y = min(b.y for b in members) - 28
        w = max(b.x for b in members) + CARD_WIDTH + 14 - x
        h = max(b.y for b in members) + CARD_HEIGHT + 14 - y
        out.append(
            f'<g class="boundary" data-boundary={quoteattr(name)}>'
            f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="14" fill="#f6f8fa" fill-opacity="0.55" '
            f'stroke="#8c959f" stroke-dasharray="6 4"/>'
            f'<text x="{x + 12:g}" y="{y + 18:g}" fill="#57606a" font-size="12" font-weight="600">{escape(_fit(name, w - 24, 6.6))}</text></g>'
        )
    return out


def _flows(design: Design, boxes: dict[str, _Box]) -> list[str]:
    messages = {m.id: m for m in design.messages}
    pairs: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in sorted(design.flows, key=lambda f: natural_key(f.id)):
        if flow.source in boxes and flow.target in boxes and flow.message in messages:
            pairs[tuple(sorted((flow.source, flow.target)))].append(flow)  # type: ignore[index]
    lines: list[str] = []
    labels: list[str] = []
    for (a, _b), flows in sorted(pairs.items()):
        for index, flow in enumerate(flows):
            offset = (index - (len(flows) - 1) / 2) * _PARALLEL_GAP
            message = messages[flow.message]
            line, label = _arrow(
                flow, message.name, message.kind, boxes, offset, flip=flow.source != a
            )
            lines.append(line)
            labels.append(label)
    # Labels after every line so no arrow is drawn over a label.
    return lines + labels


def _arrow(
    flow: Flow, name: str, kind: MessageKind, boxes: dict[str, _Box], offset: float, *, flip: bool
) -> tuple[str, str]:
    source, target = boxes[flow.source], boxes[flow.target]
    (sx, sy), (tx, ty) = source.centre, target.centre
    if flow.source == flow.target:  # a node talking to itself: a loop above the card
        x, y = source.x + CARD_WIDTH - 30, source.y
        path = f"M{x:g},{y:g} C{x:g},{y - 60:g} {x + 60:g},{y - 60:g} {x + 40:g},{y - 2:g}"
        mid = (x + 35, y - 48)
    else:
        length = math.hypot(tx - sx, ty - sy) or 1.0
        # The perpendicular offset is taken in one fixed direction per pair, so arrows
        # of the same pair in both directions never land on each other.
        nx, ny = -(ty - sy) / length, (tx - sx) / length
        if flip:
            nx, ny = -nx, -ny
        sx, sy, tx, ty = sx + nx * offset, sy + ny * offset, tx + nx * offset, ty + ny * offset
        start = _edge_point(_Box(source.x + nx * offset, source.y + ny * offset), (tx, ty))
        end = _edge_point(_Box(target.x + nx * offset, target.y + ny * offset), (sx, sy), pad=6)
        path = f"M{start[0]:.1f},{start[1]:.1f} L{end[0]:.1f},{end[1]:.1f}"
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    colour = KIND_COLOURS[kind]
    dash = _dash_attribute(kind)
    attrs = f'data-id={quoteattr(flow.id)} data-message={quoteattr(flow.message)} data-kind="{kind.value}"'
    line = (
        f'<g class="flow" {attrs}><title>{escape(name)} ({kind.value}, {flow.transport.value})</title>'
        f'<path d="{path}" fill="none" stroke="transparent" stroke-width="12"/>'
        f'<path class="flow-line" d="{path}" fill="none" stroke="{colour}" stroke-width="{_LINE_WIDTH:g}"{dash} '
        f'marker-end="url(#head-{kind.value})"/></g>'
    )
    badge = TRANSPORT_BADGES[flow.transport].upper()
    text = _fit(name, 150)
    text_w = len(text) * 6.6 + 10
    badge_w = len(badge) * 7.0 + 10
    total = text_w + badge_w
    x0, y0 = mid[0] - total / 2, mid[1] - 10
    label = (
        f'<g class="flow-label" {attrs}>'
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{text_w:.1f}" height="20" rx="4" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="1"/>'
        f'<text x="{x0 + 5:.1f}" y="{y0 + 14:.1f}" fill="{colour}" font-size="11.5">{escape(text)}</text>'
        f'<rect class="transport-badge" x="{x0 + text_w:.1f}" y="{y0:.1f}" width="{badge_w:.1f}" height="20" '
        f'rx="4" fill="{colour}"/>'
        f'<text x="{x0 + text_w + 5:.1f}" y="{y0 + 14:.1f}" fill="#ffffff" font-size="10" '
        f'font-weight="700">{badge}</text></g>'
    )
    return line, label


def _cards(design: Design, boxes: dict[str, _Box]) -> list[str]:
    out = []
    for node in sorted(design.nodes, key=lambda n: natural_key(n.id)):
        box = boxes[node.id]
        actor = node.kind is NodeKind.ACTOR
        fill, stroke = ("#f6f8fa", "#57606a") if actor else ("#ffffff", "#0969da")
        radius = 40 if actor else 10
        kind_line = (
            "actor" if actor else ("service" + (f" · {node.boundary}" if node.boundary else ""))
        )
        out.append(
            f'<g class="node" data-id={quoteattr(node.id)} data-kind="{node.kind.value}" tabindex="0" '
            f'role="button" aria-label={quoteattr(node.name)}>'
            f"<title>{escape(node.name)}</title>"
            f'<rect x="{box.x:g}" y="{box.y:g}" width="{CARD_WIDTH}" height="{CARD_HEIGHT}" rx="{radius}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.8"/>'
            f'<text x="{box.x + CARD_WIDTH / 2:g}" y="{box.y + 44:g}" text-anchor="middle" font-weight="700" '
            f'font-size="14" fill="#1f2328">{escape(_fit(node.name, CARD_WIDTH - 24, 8.0))}</text>'
            f'<text x="{box.x + CARD_WIDTH / 2:g}" y="{box.y + 66:g}" text-anchor="middle" font-size="11.5" '
            f'fill="#57606a">{escape(_fit(kind_line, CARD_WIDTH - 24, 6.6))}</text></g>'
        )
    return out


def _legend(x: float, y: float) -> str:
    items = []
    for index, (kind, colour) in enumerate(KIND_COLOURS.items()):
        lx = x + index * 150
        dash = _dash_attribute(kind)
        items.append(
            f'<path d="M{lx:g},{y + 20:g} L{lx + 50:g},{y + 20:g}" stroke="{colour}" stroke-width="{_LINE_WIDTH:g}"{dash} '
            f'marker-end="url(#head-{kind.value})"/>'
            f'<text x="{lx + 60:g}" y="{y + 24:g}" fill="#1f2328">{kind.value}</text>'
        )
    items.append(
        f'<text x="{x:g}" y="{y + 50:g}" fill="#57606a" font-size="11.5">Badges name the transport: '
        "HTTP (synchronous call), QUEUE (one consumer), TOPIC (every subscriber).</text>"
    )
    return '<g class="legend">' + "".join(items) + "</g>"


def _dash_attribute(kind: MessageKind) -> str:
    dashes = dash_array(kind, _LINE_WIDTH)
    return f' stroke-dasharray="{dashes}"' if dashes else ""
