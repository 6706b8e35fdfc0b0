"""`msgflow observe FILE (--url URL | --replay TRACE) [--duration S] [--format F] [--record T]`.

Watches a running system's broker (RabbitMQ, NATS or Redis) without disturbing it, or
replays a recorded trace, and reports how the traffic compares with the design: per-flow
rates, payload conformance, request->reply latency, and drift findings.

Exit codes (docs/file-format.md §2): 0 no error-level drift, 1 error-level drift, 2 bad input
(design, trace, URL) or a broker that cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from designer import __version__
from designer.core.errors import one_line
from designer.core.model import Design, Severity
from designer.core.observe import ObservationReport, TraceError, replay_trace
from designer.core.observe.output import format_json, format_sarif, format_text

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, empty_path, error, load_or_report

NAME = "observe"
HELP = "watch a live broker (or replay a trace) and report drift from the design"

DEFAULT_DURATION_S = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the design (*.msgflow.json)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--url",
        help="the broker to watch: amqp://user:pass@host:5672/vhost, nats://host:4222 "
        "or redis://host:6379/0",
    )
    source.add_argument(
        "--replay", metavar="TRACE", help="judge a recorded trace (JSON Lines) instead"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_DURATION_S,
        metavar="S",
        help=f"seconds to watch (default {DEFAULT_DURATION_S:g}; Ctrl-C stops early "
        "and still reports)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default: a table per flow, then findings), json or sarif (code scanning)",
    )
    parser.add_argument(
        "--record", metavar="TRACE", help="also write what was seen to TRACE (JSON Lines)"
    )


def _replay(design: Design, path: str) -> ObservationReport | None:
    try:
        observation, window = replay_trace(design, path)
    except TraceError as problem:
        print(one_line(str(problem)), file=sys.stderr)
        return None
    return observation.report(ended=window.ended)


def _design_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _same_file(a: str, b: str) -> bool:
    return Path(a).exists() and Path(b).exists() and Path(a).samefile(b)


def run(args: argparse.Namespace) -> int:
    design = load_or_report(args.file)
    if design is None:
        return EXIT_BAD_INPUT
    if args.record is not None:
        if empty_path("--record", args.record):
            return EXIT_BAD_INPUT
        if args.replay is not None:
            error("--record needs --url: a replay already has its trace")
            return EXIT_BAD_INPUT
        if _same_file(args.record, args.file):
            error(f"--record {args.record}: is the design file; name a new trace file")
            return EXIT_BAD_INPUT
    if not (args.duration > 0 and args.duration < 10**7):
        error(f"--duration {args.duration:g}: give a number of seconds above 0")
        return EXIT_BAD_INPUT
    if args.replay is not None:
        report = _replay(design, args.replay)
        if report is None:
            return EXIT_BAD_INPUT
    else:
        from designer.taps import TapError, watch

        try:
            report = watch(design, args.url, args.duration, record=args.record, clock=time.time)
        except TapError as problem:
            error(one_line(str(problem)))
            return EXIT_BAD_INPUT
    if args.format == "json":
        print(format_json(args.file, report))
    elif args.format == "sarif":
        print(format_sarif(args.file, _design_text(args.file), report, __version__))
    else:
        print(format_text(args.file, report))
    if any(d.severity is Severity.ERROR for d in report.findings):
        return EXIT_FINDINGS
    return EXIT_OK
