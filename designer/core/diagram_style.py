"""How a design looks in every picture of it: the canvas, the SVG/HTML page and Mermaid.

One place for the visual language, so the canvas and the exports cannot drift apart:
a message kind has a colour (for a light and a dark background) and a line style, a
transport a badge, a severity a colour. Arrows are told apart by line style and head
shape first and by colour second, so a black-and-white print still reads: command =
solid + filled head, query = dashed + open head, event = dotted + open head.

Colours are `#rrggbb` text; the Qt canvas makes QColors of them (no Qt here).
"""

from __future__ import annotations

from .model import MessageKind, Severity, Transport

# On a light background (the canvas's light theme and every export) and a dark one.
KIND_COLOURS: dict[MessageKind, str] = {
    MessageKind.COMMAND: "#1f63c6",
    MessageKind.QUERY: "#18864b",
    MessageKind.EVENT: "#d46a0c",
}
KIND_COLOURS_DARK: dict[MessageKind, str] = {
    MessageKind.COMMAND: "#6ea8fe",
    MessageKind.QUERY: "#4cc38a",
    MessageKind.EVENT: "#f59e42",
}

# Dash patterns in multiples of the line width (Qt's convention), dash then gap; a solid
# line has none. Short dashes read as dots and stay cheap to paint on the canvas.
KIND_DASHES: dict[MessageKind, tuple[float, ...]] = {
    MessageKind.COMMAND: (),
    MessageKind.QUERY: (6.0, 3.5),
    MessageKind.EVENT: (1.3, 2.2),
}

# Whether the arrow head is filled (a command: an order) or an open chevron.
FILLED_HEAD: dict[MessageKind, bool] = {
    MessageKind.COMMAND: True,
    MessageKind.QUERY: False,
    MessageKind.EVENT: False,
}

# The badge on an arrow that names its transport.
TRANSPORT_BADGES: dict[Transport, str] = {
    Transport.HTTP: "http",  # lower case like queue, topic and the file format
    Transport.QUEUE: "queue",
    Transport.TOPIC: "topic",
}

SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.ERROR: "#cf222e",
    Severity.WARNING: "#bf8700",
    Severity.INFO: "#3b82c4",
}
SEVERITY_COLOURS_DARK: dict[Severity, str] = {
    Severity.ERROR: "#f85149",
    Severity.WARNING: "#d29922",
    Severity.INFO: "#58a6ff",
}


def dash_array(kind: MessageKind, width: float) -> str:
    """The SVG `stroke-dasharray` of `kind` for a line `width` wide ("" for solid)."""
    return " ".join(f"{step * width:g}" for step in KIND_DASHES[kind])
