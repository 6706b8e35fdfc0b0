"""`msgflow [gui] [FILE]`: open the designer window."""

from __future__ import annotations

import argparse
import os
import sys

from designer.cli.display import missing_display

NAME = "gui"
HELP = "open the designer window (with FILE, or empty)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="design file to open")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the window, render it once and quit (for tests and CI)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="open the window offscreen at 1440x900, save a picture of it and quit",
    )
    parser.add_argument(
        "--select",
        metavar="IDS",
        help="with --screenshot: select these cards or arrows first (comma-separated ids)",
    )
    parser.add_argument(
        "--focus",
        action="store_true",
        help="with --screenshot: the canvas alone, side panels hidden (View > Focus on Canvas)",
    )
    parser.add_argument(
        "--replay",
        metavar="TRACE",
        help="show a recorded trace (msgflow observe --record) over the design, as "
        "Live > Replay trace does",
    )
    parser.add_argument(
        "--compare",
        metavar="OLD",
        help="show OLD beside FILE in the compare view (as a git difftool: --compare $LOCAL $REMOTE)",
    )


def run(args: argparse.Namespace) -> int:
    offscreen = bool(args.smoke or args.screenshot)  # a picture needs no screen
    problem = None if offscreen else missing_display(os.environ)
    if problem:  # before Qt: without a display its xcb plugin aborts the process
        print(problem, file=sys.stderr)
        return 2
    if args.compare:
        if not args.file:
            print("msgflow gui --compare OLD NEW: NEW is missing", file=sys.stderr)
            return 2
        from designer.qt.compare_app import run_compare

        return run_compare(args.compare, args.file, smoke=offscreen, screenshot=args.screenshot)
    from designer.qt.app import run_app  # Qt only when the window is wanted

    select = [i.strip() for i in (args.select or "").split(",") if i.strip()]
    return run_app(
        args.file,
        smoke=offscreen,
        screenshot=args.screenshot,
        select=select,
        replay=args.replay,
        focus=args.focus,
    )
