"""`msgflow fmt FILE... [--check]`: rewrite design files canonically."""

from __future__ import annotations

import argparse
from pathlib import Path

from designer.core import io

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, error, load_or_report
from .progress import Stages, count

NAME = "fmt"
HELP = "rewrite design files canonically (--check: only report files that are not)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if any file is not canonical"
    )
    parser.add_argument(
        "--layout", action="store_true", help="also recompute the layout (auto-layout)"
    )


def run(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    for name in args.files:
        design = load_or_report(name)
        if design is None:
            worst = EXIT_BAD_INPUT
            continue
        if args.layout:
            from designer.core.layout import auto_layout

            with Stages(NAME).stage(f"arranging {count(len(design.nodes), 'card')} of {name}"):
                design = auto_layout(design)
        if not Path(name).is_file():  # a pipe or a device: read once, nothing to rewrite
            error(f"{name}: not a regular file; fmt rewrites files in place")
            worst = EXIT_BAD_INPUT
            continue
        text = io.dumps(design)
        try:
            current = Path(name).read_bytes()
            if current == text.encode("utf-8"):
                continue
            if args.check:
                print(f"{name}: not canonical (run `msgflow fmt {name}`)")
                worst = max(worst, EXIT_FINDINGS)
            else:
                io.save(design, name, text)
                print(f"{name}: reformatted")
        except OSError as problem:  # e.g. a folder where the temporary file cannot be made
            error(f"cannot write {name}: {problem.strerror or problem}")
            worst = EXIT_BAD_INPUT
    return worst
