"""`msgflow diff OLD NEW [--format text|json]`: semantic diff, breaking changes marked.

Exit 0 when the designs are the same, 1 when they differ, 2 when one cannot be read.
Also works as git's external diff driver (`diff.msgflow.command = msgflow diff`), which
passes seven arguments (path, old file, old hex, old mode, new file, new hex, new mode);
in that mode it always exits 0, since git stops on a failing diff driver.
"""

from __future__ import annotations

import argparse
import json

from designer.core.diff import diff_designs, format_text
from designer.core.model import Design

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, error, load_or_report

NAME = "diff"
HELP = "semantic diff of two design files: nodes, messages, fields, flows; breaking changes marked"

_GIT_ARGS = 7
_NO_FILE = "/dev/null"  # git's name for the missing side of an added or deleted file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="OLD NEW",
        help="the two design files (or git's seven external-diff arguments)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _load(path: str) -> Design | None:
    return Design() if path == _NO_FILE else load_or_report(path)


def run(args: argparse.Namespace) -> int:
    paths: list[str] = args.paths
    as_git_driver = len(paths) == _GIT_ARGS
    if as_git_driver:
        label = paths[0]
        old_path, new_path = paths[1], paths[4]
        old_label, new_label = f"a/{label}", f"b/{label}"
    elif len(paths) == 2:
        old_path, new_path = paths
        old_label, new_label = old_path, new_path
    else:
        error("diff takes two files: OLD NEW")
        return EXIT_BAD_INPUT
    old, new = _load(old_path), _load(new_path)
    if old is None or new is None:
        return EXIT_OK if as_git_driver else EXIT_BAD_INPUT
    diff = diff_designs(old, new)
    if args.format == "json":
        print(json.dumps(diff.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_text(diff, old_label, new_label))
    if as_git_driver:
        return EXIT_OK
    return EXIT_OK if diff.same else EXIT_FINDINGS
