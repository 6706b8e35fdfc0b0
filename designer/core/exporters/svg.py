"""The design drawn as plain SVG (no Qt): the diagram of the HTML page.

Arrow styles say the message kind at a glance, as on the canvas (diagram_style.py): a
command is a solid blue line with a filled head, a query a dashed green line with an open
head, an event a dotted orange line with an open head. A badge on each arrow names the
transport (HTTP, QUEUE, TOPIC).
Every card and arrow carries `data-id` so the page can make them clickable.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from designer.core.diagram import Arrow, Diagram, DiagramEngine, Point, Rect, drawing_steps
from designer.core.diagram.labels import badge_width, fitted_text
from designer.core.diagram_style import (
    FILLED_HEAD,
    KIND_COLOURS,
    TRANSPORT_BADGES,
    dash_array,
)
from designer.core.io import natural_key
from designer.core.layout import auto_layout
from designer.core.model import Design, Flow, MessageKind, NodeKind, RouteStyle

_LINE_WIDTH = 2.0
_MARGIN = 40
_LEGEND_HEIGHT = 70
_CHAR = 7.2  # average width of a 13px sans-serif character, for fitting text


def _fit(text: str, width: float, char: float = _CHAR) -> str:
    limit = max(3, int(width / char))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_svg(design: Design, *, legend: bool = True) -> str:
    """A standalone SVG document of the design, fit to its content.

    Cards, arrow routes, labels and boundary frames come from the geometry engine
    (designer.core.diagram), the same the canvas draws: the page shows what the
    designer showed.
    """
    if any(n.id not in design.layout.nodes for n in design.nodes):
        design = auto_layout(design)  # a design never laid out still draws sensibly
    diagram = DiagramEngine(design).diagram
    if diagram.cards:
        b = diagram.bounds()
        left, top = b.x - _MARGIN, b.y - _MARGIN
        right, bottom = b.right + _MARGIN, b.bottom + _MARGIN
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
        *_boundaries(diagram),
        *_flows(design, diagram),
        *_cards(design, diagram),
        "</g>",
    ]
    if legend:
        parts.append(_legend(left + 16, bottom + 8))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


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


def _boundaries(diagram: Diagram) -> list[str]:
    out = []
    for name in sorted(diagram.frames):
        r = diagram.frames[name].rect
        out.append(
            f'<g class="boundary" data-boundary={quoteattr(name)}>'
            f'<rect x="{r.x:g}" y="{r.y:g}" width="{r.w:g}" height="{r.h:g}" rx="14" fill="#f6f8fa" fill-opacity="0.55" '
            f'stroke="#8c959f" stroke-dasharray="6 4"/>'
            f'<text x="{r.x + 12:g}" y="{r.y + 18:g}" fill="#57606a" font-size="12" font-weight="600">{escape(_fit(name, r.w - 24, 6.6))}</text></g>'
        )
    return out


def path_data(points: list[Point], style: RouteStyle = RouteStyle.ORTHOGONAL) -> str:
    """SVG path data of a route in its style, orthogonal ones with rounded bends (the
    steps every renderer draws)."""
    out = []
    for command, values in drawing_steps(points, style):
        out.append(command + " ".join(f"{v:.1f}" for v in values))
    return " ".join(out)


def _flows(design: Design, diagram: Diagram) -> list[str]:
    messages = {m.id: m for m in design.messages}
    flows = {f.id: f for f in design.flows}
    lines: list[str] = []
    labels: list[str] = []
    for key in sorted(diagram.arrows, key=natural_key):
        flow, arrow = flows[key], diagram.arrows[key]
        message = messages.get(flow.message)
        if message is None:
            continue
        line, label = _arrow(flow, message.name, message.kind, arrow)
        lines.append(line)
        labels.append(label)
    # Labels after every line so no arrow is drawn over a label.
    return lines + labels


def _arrow(flow: Flow, name: str, kind: MessageKind, arrow: Arrow) -> tuple[str, str]:
    path = path_data(arrow.points, arrow.style)
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
    box = arrow.label or Rect(arrow.points[0][0], arrow.points[0][1], 0, 0)
    badge_w = badge_width(flow.transport)
    text_w = box.w - badge_w
    x0, y0 = box.x, box.y
    tie = ""
    if arrow.leader is not None:  # the label was put away from its arrow
        (ax, ay), (bx, by) = arrow.leader
        tie = (
            f'<path class="leader" d="M{ax:.1f} {ay:.1f} L{bx:.1f} {by:.1f}" stroke="{colour}" '
            f'stroke-width="1" stroke-dasharray="2 3" fill="none"/>'
        )
    label = (
        f'<g class="flow-label" {attrs}>{tie}'
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{text_w:.1f}" height="{box.h:g}" rx="4" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="1"/>'
        f'<text x="{x0 + 6:.1f}" y="{y0 + 14:.1f}" fill="{colour}" font-size="11.5">{escape(fitted_text(name))}</text>'
        f'<rect class="transport-badge" x="{x0 + text_w:.1f}" y="{y0:.1f}" width="{badge_w:.1f}" height="{box.h:g}" '
        f'rx="4" fill="{colour}"/>'
        f'<text x="{x0 + text_w + 4:.1f}" y="{y0 + 14:.1f}" fill="#ffffff" font-size="10" '
        f'font-weight="700">{badge}</text></g>'
    )
    return line, label


def _cards(design: Design, diagram: Diagram) -> list[str]:
    out = []
    for node in sorted(design.nodes, key=lambda n: natural_key(n.id)):
        box = diagram.cards[node.id]
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
            f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.w:g}" height="{box.h:g}" rx="{radius}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.8"/>'
            f'<text x="{box.x + box.w / 2:g}" y="{box.y + 44:g}" text-anchor="middle" font-weight="700" '
            f'font-size="14" fill="#1f2328">{escape(_fit(node.name, box.w - 24, 8.0))}</text>'
            f'<text x="{box.x + box.w / 2:g}" y="{box.y + 66:g}" text-anchor="middle" font-size="11.5" '
            f'fill="#57606a">{escape(_fit(kind_line, box.w - 24, 6.6))}</text></g>'
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
