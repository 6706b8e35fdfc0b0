"""`msgflow import asyncapi SPEC... -o FILE`: build a design from AsyncAPI documents
(`msgflow import traffic`: from recorded or live traffic, in import_traffic.py).

What could not be mapped is printed as a report (never dropped silently); the design is
written only when every document could be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from designer.core import io
from designer.core.errors import DesignLoadError

from .common import EXIT_BAD_INPUT, EXIT_OK, empty_path, error

NAME = "import"
HELP = (
    "build a design from AsyncAPI 2.6/3.0 documents (YAML or JSON), or propose one from "
    "recorded traffic (`msgflow observe --record`)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "format", choices=("asyncapi", "traffic"), help="what the documents are (traffic: traces)"
    )
    parser.add_argument("specs", nargs="*", metavar="SPEC")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the design file to write"
    )
    parser.add_argument("--name", help="the design's name (default: the document's title)")
    parser.add_argument(
        "--url",
        help="traffic: also watch this broker live (nats://, redis://, or amqp:// with "
        "RabbitMQ's firehose on: `rabbitmqctl trace_on`)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=30.0,
        metavar="S",
        help="traffic --url: seconds to watch (default 30; Ctrl-C stops early)",
    )


def run(args: argparse.Namespace) -> int:
    from designer.core.importers.asyncapi import import_asyncapi
    from designer.core.importers.spec_loading import Spec, SpecLoadError

    if empty_path("-o", args.output):
        return EXIT_BAD_INPUT
    if args.format == "traffic":
        from .import_traffic import run as import_traffic

        return import_traffic(args)
    if args.url is not None:
        error("--url is for `msgflow import traffic`: AsyncAPI documents are files")
        return EXIT_BAD_INPUT
    if not args.specs:
        error("name at least one AsyncAPI document")
        return EXIT_BAD_INPUT
    output = Path(args.output)
    for name in args.specs:
        if output.exists() and Path(name).exists() and output.samefile(name):
            error(f"-o {args.output}: is one of the documents to import; name a new design file")
            return EXIT_BAD_INPUT
    specs = []
    failed = False
    for name in args.specs:
        try:
            specs.append(Spec.from_file(name))
        except SpecLoadError as problem:
            print(problem.describe(), file=sys.stderr)
            failed = True
    if failed:
        return EXIT_BAD_INPUT
    try:
        result = import_asyncapi(specs, args.name)
        design = io.loads(io.dumps(result.design), args.output)  # the written file must load
    except (SpecLoadError, DesignLoadError) as problem:
        print(problem.describe(), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        io.save(design, Path(args.output))
    except OSError as problem:
        error(f"cannot write {args.output}: {problem.strerror or problem}")
        return EXIT_BAD_INPUT
    services = sum(1 for n in design.nodes if n.kind == "service")
    print(
        f"{args.output}: {services} service(s), {len(design.messages)} message(s), "
        f"{len(design.flows)} flow(s) from {len(specs)} document(s)"
    )
    if result.operations:
        print(f"{len(result.operations)} source operation(s) and the flows they became:")
        for outcome in result.operations:
            print(f"  {outcome}")
    if result.notes:
        print(f"{len(result.notes)} item(s) not mapped exactly:")
        for note in result.notes:
            print(f"  {note}")
    return EXIT_OK
