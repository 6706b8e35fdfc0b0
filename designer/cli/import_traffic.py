"""`msgflow import traffic [TRACE...] [--url URL] -o FILE`: propose a design from traffic,
recorded (`msgflow observe --record`) or watched live for `--duration` seconds.

Every guess the inference made is printed, so the person knows what to check; the design
is written only when every trace could be read (and never over a trace).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from designer.core import io
from designer.core.errors import DesignLoadError, one_line
from designer.core.layout import auto_layout
from designer.core.model import Design
from designer.core.observe import Record, TraceError, read_trace
from designer.core.observe.infer_design import infer

from .common import EXIT_BAD_INPUT, EXIT_OK, error


def run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    for name in args.specs:
        if output.exists() and Path(name).exists() and output.samefile(name):
            error(f"-o {args.output}: is one of the traces to import; name a new design file")
            return EXIT_BAD_INPUT
    if not args.specs and args.url is None:
        error("name a trace (`msgflow observe ... --record TRACE`) or a broker to watch (--url)")
        return EXIT_BAD_INPUT
    with tempfile.TemporaryDirectory(prefix="msgflow-traffic-") as scratch:
        traces = list(args.specs)
        if args.url is not None:
            live = _record_live(args.url, args.duration, Path(scratch) / "live.jsonl")
            if live is None:
                return EXIT_BAD_INPUT
            traces.append(str(live))
        return _propose(args, traces)


def _record_live(url: str, duration: float, trace: Path) -> Path | None:
    """Watch `url` with an empty design (every address is then undeclared and recorded)
    into `trace`; None, after saying why, when nothing can be proposed from it."""
    from designer.core.broker_urls import redact
    from designer.taps import TapError, watch
    from designer.taps.session import broker_of

    if not (duration > 0 and duration < 10**7):
        error(f"--duration {duration:g}: give a number of seconds above 0")
        return None
    try:
        broker = broker_of(url)
        report = watch(Design(), url, duration, record=str(trace))
    except TapError as problem:
        error(one_line(str(problem)))
        return None
    shown = redact(url)
    if report.records == 0:
        hint = (
            ": without a design, RabbitMQ shows its traffic only through the firehose "
            "(`rabbitmqctl trace_on -p VHOST`, then try again)"
            if broker == "rabbitmq"
            else ""
        )
        error(f"nothing was seen on {shown} in {duration:g} s{hint}")
        return None
    print(f"watched {shown} for {duration:g} s: {report.records} message(s)")
    return trace


def _propose(args: argparse.Namespace, traces: list[str]) -> int:
    def records() -> Iterator[Record]:
        return itertools.chain.from_iterable(read_trace(name) for name in traces)

    output = Path(args.output)
    try:
        result = infer(records(), args.name or "Observed system")
        design = auto_layout(io.loads(io.dumps(result.design), args.output))
    except TraceError as problem:
        print(one_line(str(problem)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except DesignLoadError as problem:
        print(problem.describe(), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        io.save(design, output)
    except OSError as problem:
        error(f"cannot write {args.output}: {problem.strerror or problem}")
        return EXIT_BAD_INPUT
    sources = " and ".join(
        ([f"{len(args.specs)} trace(s)"] if args.specs else [])
        + (["live traffic"] if args.url else [])
    )
    print(
        f"{args.output}: {len(design.nodes)} node(s), {len(design.messages)} message(s), "
        f"{len(design.flows)} flow(s) proposed from {sources}"
    )
    if result.notes:
        print(f"{len(result.notes)} guess(es) to check:")
        for note in result.notes:
            print(f"  {one_line(note)}")
    return EXIT_OK
