"""`msgflow validate FILE... [--format text|json|sarif] [--strict] [--baseline OLD]`.

Exit codes (docs/file-format.md §2): 0 clean or only warnings/info, 1 errors found (with
`--strict`, warnings too), 2 a file (or the baseline) could not be read. Files are only
read, never written. Load problems go to stderr, one located line each.

JSON output: for one FILE, a list of diagnostics, each exactly
`{"rule", "severity", "message", "hint", "subjects", "path"}`; for several FILEs, an
object mapping each file name to its list (unreadable files are left out).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from designer import __version__
from designer.core import io
from designer.core.diagnostics import Diagnostic, count_by_severity, findings_text
from designer.core.errors import DesignLoadError, one_line
from designer.core.model import Design, Severity
from designer.core.rules import validate
from designer.core.sarif import CheckedFile, sarif_log

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK

NAME = "validate"
HELP = "check design files against the messaging rules (see `msgflow rules`)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="design files (*.msgflow.json)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default, grouped by severity), json (a list of diagnostics) "
        "or sarif (SARIF 2.1.0 for code scanning)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--baseline",
        metavar="OLD",
        help="the previous version of the design: also run the rule breaking-change against it",
    )


def _read(path: str) -> CheckedFile:
    """Load without ever writing; keep the text for SARIF line numbers."""
    try:
        design = io.load(path)
    except DesignLoadError as error:
        return CheckedFile(path, None, _text_or_none(path), problems=error.problems)
    return CheckedFile(path, design, _text_or_none(path))


def _text_or_none(path: str) -> str | None:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(io.MAX_FILE_BYTES + 1)  # bounded, like io.load: /dev/zero
        return data.decode("utf-8-sig") if len(data) <= io.MAX_FILE_BYTES else None
    except (OSError, UnicodeDecodeError):
        return None


def _report_problems(checked: CheckedFile) -> None:
    for problem in checked.problems:
        print(f"{one_line(checked.path)}: {problem}", file=sys.stderr)


def _summary(diagnostics: list[Diagnostic]) -> str:
    counts = count_by_severity(diagnostics)
    if not diagnostics:
        return "no problems"
    parts = [
        f"{counts[Severity.ERROR]} error{'s' if counts[Severity.ERROR] != 1 else ''}",
        f"{counts[Severity.WARNING]} warning{'s' if counts[Severity.WARNING] != 1 else ''}",
        f"{counts[Severity.INFO]} info",
    ]
    return ", ".join(parts)


def format_text(path: str, diagnostics: list[Diagnostic]) -> str:
    """Grouped by severity, each finding with its path, rule, message and hint."""
    lines = findings_text(path, diagnostics)
    lines.append(f"{path}: {_summary(diagnostics)}")
    return "\n".join(lines)


def _exit_code(files: list[CheckedFile], strict: bool) -> int:
    if any(f.design is None for f in files):
        return EXIT_BAD_INPUT
    worst = {d.severity for f in files for d in f.diagnostics}
    if Severity.ERROR in worst or (strict and Severity.WARNING in worst):
        return EXIT_FINDINGS
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    baseline: Design | None = None
    if args.baseline is not None:
        old = _read(args.baseline)
        if old.design is None:
            _report_problems(old)
            return EXIT_BAD_INPUT
        baseline = old.design
    files = [_read(path) for path in args.files]
    for checked in files:
        if checked.design is None:
            _report_problems(checked)
        else:
            checked.diagnostics = validate(checked.design, baseline)

    if args.format == "sarif":
        print(json.dumps(sarif_log(files, version=__version__), indent=2, ensure_ascii=False))
    elif args.format == "json":
        readable = [f for f in files if f.design is not None]
        if len(args.files) == 1:
            payload: object = [d.to_json() for f in readable for d in f.diagnostics]
        else:
            payload = {f.path: [d.to_json() for d in f.diagnostics] for f in readable}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        readable = [f for f in files if f.design is not None]
        for checked in readable:
            print(format_text(checked.path, checked.diagnostics))
        if len(files) > 1:
            everything = [d for f in readable for d in f.diagnostics]
            unreadable = len(files) - len(readable)
            tail = f", {unreadable} unreadable" if unreadable else ""
            print(f"{len(files)} files: {_summary(everything)}{tail}")
    return _exit_code(files, args.strict)
