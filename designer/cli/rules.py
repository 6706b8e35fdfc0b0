"""`msgflow rules [--format text|json|markdown]`: list every rule of the catalogue."""

from __future__ import annotations

import argparse
import json

from designer.core.rules.catalogue import rules_json, rules_markdown, rules_text

from .common import EXIT_OK

NAME = "rules"
HELP = "list every validation rule: id, default severity, summary"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json (id, severity, family, summary, doc, threshold) "
        "or markdown (the README table)",
    )


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        print(json.dumps(rules_json(), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(rules_markdown(), end="")
    else:
        print(rules_text(), end="")
    return EXIT_OK
