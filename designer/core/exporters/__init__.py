"""Exporters: a design as Mermaid, HTML, SVG, EventCatalog and AsyncAPI (no Qt here).

`export_files` / `export_to` are the one entry point the command line and the window
share, so `msgflow export` and File → Export write the same files for the same choice.
Pictures (png, svg, pdf) are drawn by the Qt package and are not handled here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from designer.core.model import Design

CORE_FORMATS = ("mermaid", "html", "asyncapi", "eventcatalog")
# Formats written as a folder of files (the path names the folder).
FOLDER_FORMATS = ("asyncapi", "eventcatalog")


def export_files(design: Design, fmt: str, out: Path, broker: str = "rabbitmq") -> dict[Path, str]:
    """The files `fmt` makes of `design` at `out` (a file or a folder), not yet written.

    mermaid: `*.md` -> one Markdown file, `*.mmd` -> the topology only, else a folder of
    `.mmd` diagrams. asyncapi and eventcatalog: a folder. html: one page.
    """
    if fmt == "mermaid":
        from designer.core.exporters.mermaid import diagrams, export_markdown

        if out.suffix.lower() in (".md", ".markdown"):
            return {out: export_markdown(design)}
        if out.suffix.lower() == ".mmd":
            return {out: diagrams(design)[0].text}  # one file: the topology flowchart
        return {out / f"{d.slug}.mmd": d.text for d in diagrams(design)}
    if fmt == "html":
        from designer.core.exporters.html import export_html

        return {out: export_html(design)}
    if fmt == "asyncapi":
        from designer.core.exporters.asyncapi import export_asyncapi
        from designer.core.exporters.asyncapi_target import dump_yaml

        return {out / name: dump_yaml(doc) for name, doc in export_asyncapi(design, broker).items()}
    if fmt == "eventcatalog":
        from designer.core.exporters.eventcatalog import export_eventcatalog

        return {out / name: text for name, text in export_eventcatalog(design).items()}
    raise ValueError(f"unknown export format '{fmt}' (use one of: {', '.join(CORE_FORMATS)})")


def write_files(
    files: dict[Path, str], progress: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Write each file atomically, readable like any new file; OSError on failure.

    `progress(done, total)` is called after each file (a catalogue has thousands).
    """
    from designer.core.io import write_atomic

    for done, (path, text) in enumerate(files.items(), start=1):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Exports can be made again: no fsync per file (a catalogue has thousands).
        write_atomic(path, text.encode("utf-8"), keep_backup=False, durable=False)
        if progress is not None:
            progress(done, len(files))
    return list(files)


def export_to(design: Design, fmt: str, out: Path, broker: str = "rabbitmq") -> list[Path]:
    """Export `design` as `fmt` at `out`; returns the files written."""
    return write_files(export_files(design, fmt, out, broker))
