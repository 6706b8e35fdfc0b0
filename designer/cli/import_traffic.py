"""`msgflow import traffic TRACE... -o FILE`: propose a design from recorded traffic.

Every guess the inference made is printed, so the person knows what to check; the design
is written only when every trace could be read (and never over a trace).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

from designer.core import io
from designer.core.errors import DesignLoadError, one_line
from designer.core.layout import auto_layout
from designer.core.observe import Record, TraceError, read_trace
from designer.core.observe.infer_design import infer

from .common import EXIT_BAD_INPUT, EXIT_OK, error


def run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    for name in args.specs:
        if output.exists() and Path(name).exists() and output.samefile(name):
            error(f"-o {args.output}: is one of the traces to import; name a new design file")
            return EXIT_BAD_INPUT

    def records() -> Iterator[Record]:
        return itertools.chain.from_iterable(read_trace(name) for name in args.specs)

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
    print(
        f"{args.output}: {len(design.nodes)} node(s), {len(design.messages)} message(s), "
        f"{len(design.flows)} flow(s) proposed from {len(args.specs)} trace(s)"
    )
    if result.notes:
        print(f"{len(result.notes)} guess(es) to check:")
        for note in result.notes:
            print(f"  {one_line(note)}")
    return EXIT_OK
