"""`msgflow [gui] [FILE]`: open the designer window."""

from __future__ import annotations

import argparse

NAME = "gui"
HELP = "open the designer window (with FILE, or empty)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="design file to open")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the window, render it once and quit (for tests and CI)",
    )


def run(args: argparse.Namespace) -> int:
    from designer.qt.app import run_app  # Qt only when the window is wanted

    return run_app(args.file, smoke=args.smoke)
