"""`msgflow export FILE --to FORMAT -o PATH`: share a design in the forms teams use.

mermaid, html, asyncapi and eventcatalog are written by designer.core (no display needed);
png, svg and pdf are the canvas as drawn, rendered by the Qt package, imported lazily.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from designer.core.broker_registry import BROKERS
from designer.core.exporters import CORE_FORMATS, write_files
from designer.core.model import Design

from .common import EXIT_BAD_INPUT, EXIT_OK, empty_path, error, load_or_report
from .progress import Stages, count

NAME = "export"
HELP = "export a design as png, svg, pdf, mermaid, html, asyncapi or eventcatalog"

IMAGE_FORMATS = ("png", "svg", "pdf")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--to", required=True, choices=IMAGE_FORMATS + CORE_FORMATS, dest="to")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="a file (png, svg, pdf, html, mermaid *.md) or a folder (asyncapi, eventcatalog, mermaid *.mmd)",
    )
    parser.add_argument(
        "--broker",
        default="rabbitmq",
        choices=BROKERS,
        help="asyncapi: the broker whose addresses and bindings to describe",
    )
    parser.add_argument(
        "--scale", type=float, default=2.0, help="png: pixels per design unit (default 2)"
    )


def run(args: argparse.Namespace) -> int:
    if empty_path("-o", args.output):
        return EXIT_BAD_INPUT
    design = load_or_report(args.file)
    if design is None:
        return EXIT_BAD_INPUT
    out = Path(args.output)
    if out.is_file() and out.samefile(args.file):
        error(f"-o {out}: is the design itself; name a new file to export to")
        return EXIT_BAD_INPUT
    try:
        if args.to in IMAGE_FORMATS:
            return _render_image(design, out, args.to, args.scale)
        with Stages(NAME).stage(f"exporting {args.to} of {count(len(design.nodes), 'card')}"):
            files = _core_files(design, args.to, out, args.broker)
    except OSError as problem:
        error(f"cannot write {out}: {problem.strerror or problem}")
        return EXIT_BAD_INPUT
    if any(path != out for path in files) and out.exists() and not out.is_dir():
        error(f"-o {out}: exists and is not a folder ({args.to} writes a folder of files)")
        return EXIT_BAD_INPUT
    try:
        write_files(files)
    except OSError as problem:
        error(f"cannot write {out}: {problem.strerror or problem}")
        return EXIT_BAD_INPUT
    shown = out if len(files) != 1 else next(iter(files))
    print(
        f"{args.file}: exported {args.to} to {shown} ({len(files)} file{'s' if len(files) != 1 else ''})"
    )
    return EXIT_OK


def _core_files(design: Design, to: str, out: Path, broker: str) -> dict[Path, str]:
    # Shared with the window's File → Export, so both write the same files.
    from designer.core.exporters import export_files

    return export_files(design, to, out, broker)


def _render_image(design: Design, out: Path, fmt: str, scale: float) -> int:
    if not math.isfinite(scale) or scale <= 0:
        error(f"--scale {scale}: must be a positive number")
        return EXIT_BAD_INPUT
    try:
        from designer.qt.render import render_design  # type: ignore[import-not-found,unused-ignore]
    except ImportError as problem:
        error(
            f"--to {fmt} needs the Qt renderer (designer.qt.render), which is not available: {problem}"
        )
        return EXIT_BAD_INPUT
    if out.is_dir():
        error(f"-o {out}: is a folder; name the {fmt} file to write")
        return EXIT_BAD_INPUT
    with Stages(NAME).stage(f"drawing {fmt} of {count(len(design.nodes), 'card')}"):
        render_design(design, out, fmt, scale)
    print(f"exported {fmt} to {out}", file=sys.stdout)
    return EXIT_OK
