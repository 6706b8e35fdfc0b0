"""Exporters: a design as Mermaid, HTML, SVG, EventCatalog and AsyncAPI (no Qt here)."""
