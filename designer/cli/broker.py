"""`msgflow broker apply FILE --url URL [--dry-run]`: declare the design on a live broker.

`amqp://` URLs go to RabbitMQ (exchanges, queues, bindings over AMQP), `nats://` URLs to
NATS JetStream (streams, durable consumers). Idempotent: a second run changes nothing and
says so. Existing objects that differ from the design are reported, never replaced.
Exit 0 when the broker matches the design afterwards (or would, with --dry-run), 1 on a
conflict or an unreachable broker, 2 for an unreadable design, an unsupported URL or
names the broker would refuse (checked before connecting: nothing is declared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, error, load_or_report

if TYPE_CHECKING:
    from designer.core.model import Design
    from designer.provision.report import ApplyReport

NAME = "broker"
HELP = (
    "declare the design's queues/exchanges (RabbitMQ) or streams/consumers (NATS) on a live broker"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="broker_action", metavar="ACTION", required=True)
    apply = actions.add_parser(
        "apply",
        help="declare the design's topology idempotently",
        description="Declare the design's topology on a live broker, idempotently; "
        "conflicting existing objects are reported and left alone.",
    )
    apply.add_argument("file", metavar="FILE")
    apply.add_argument(
        "--url",
        required=True,
        help="amqp://user:password@host:5672/vhost (RabbitMQ) or nats://host:4222 (NATS JetStream)",
    )
    apply.add_argument(
        "--dry-run", action="store_true", help="change nothing: list what would be declared"
    )
    apply.add_argument(
        "--queue-type",
        choices=("quorum", "classic"),
        default=None,
        help="RabbitMQ queue type (default: the design's settings.generate.queue_type, else quorum)",
    )
    apply.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from designer import provision

    design = load_or_report(args.file)
    if design is None:
        return EXIT_BAD_INPUT
    try:
        provision.broker_of(args.url)
    except provision.UnsupportedUrlError as problem:
        error(str(problem))
        return EXIT_BAD_INPUT
    if args.queue_type is None:
        from designer.core.brokers.targets import settings_problems

        unusable = [p for p in settings_problems(design) if p.path.endswith(".queue_type")]
        for finding in unusable:
            print(f"{args.file}: {finding}", file=sys.stderr)
        if unusable:
            return EXIT_BAD_INPUT
    queue_type = args.queue_type or str(design.settings.generate.get("queue_type") or "quorum")
    if _refused(args.file, design, args.url, queue_type):
        return EXIT_BAD_INPUT
    report = _run_interruptible(
        provision.apply(design, args.url, dry_run=args.dry_run, queue_type=queue_type)
    )
    if args.format == "json":
        document = {
            "broker": report.broker,
            "target": report.target,
            "dry_run": report.dry_run,
            "changed": report.changed,
            "failed": report.failed,
            "objects": [
                {"kind": o.kind, "name": o.name, "action": o.action, "detail": o.detail}
                for o in report.outcomes
            ],
            "notes": report.notes,
            "summary": report.summary(),
        }
        print(json.dumps(document, indent=2))
    else:
        print(report.text())
    if report.failed:
        print(f"msgflow: broker apply: {report.summary()}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def _refused(path: str, design: Design, url: str, queue_type: str) -> bool:
    """True, after naming each place to fix, when the broker would refuse names of the
    design: then nothing is declared rather than half of it (provision/preflight.py)."""
    from designer import provision
    from designer.core.topology import build_amqp, build_jetstream
    from designer.provision import preflight

    broker = provision.broker_of(url)
    topology = build_amqp(design, queue_type) if broker == "rabbitmq" else None
    jetstream = build_jetstream(design) if broker == "nats" else None
    problems = preflight.problems(design, broker, topology, jetstream)
    for problem in problems:
        print(f"{path}: {problem.line}", file=sys.stderr)
    others = sum(1 for p in problems if not p.own)
    if problems and not others:
        error(f"broker apply: nothing declared: {len(problems)} name(s) {broker} would refuse")
    elif problems:
        error(
            f"broker apply: nothing declared: {len(problems)} name(s) refused, "
            f"{len(problems) - others} that {broker} would refuse and {others} that only other "
            "brokers refuse (rule channel-name-invalid)"
        )
    return bool(problems)


def _run_interruptible(work: Coroutine[Any, Any, ApplyReport]) -> ApplyReport:
    # asyncio's own Ctrl-C handling cancels the task, and a connect that is cancelled comes
    # back as "cannot connect: TimeoutError" (exit 1). Remember the Ctrl-C, cancel the work
    # (its connection closes as usual), and stop with KeyboardInterrupt (exit 130).
    interrupted = False

    async def guarded() -> ApplyReport | None:
        nonlocal interrupted
        task = asyncio.ensure_future(work)

        def on_interrupt() -> None:
            nonlocal interrupted
            interrupted = True
            task.cancel()

        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, on_interrupt)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, Windows
            return await task
        try:
            return await task
        except asyncio.CancelledError:
            if interrupted:
                return None
            raise
        finally:
            loop.remove_signal_handler(signal.SIGINT)

    report = asyncio.run(guarded())
    if interrupted or report is None:
        raise KeyboardInterrupt
    return report
