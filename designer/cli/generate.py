"""`msgflow generate FILE -o DIR`: code skeletons and broker configuration from a design.

Exit codes (docs/file-format.md §2): 0 done, 1 the design has rule errors (unless
`--allow-errors`), 2 bad input (unreadable design, unknown target, bad templates, a path
that would leave the output folder).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from designer.core.broker_registry import BROKERS
from designer.core.brokers.targets import settings_problems
from designer.core.codegen import targets
from designer.core.codegen.environment import TemplateError
from designer.core.codegen.plan import CollisionError, apply_plan, make_plan
from designer.core.codegen.writer import UnsafePathError
from designer.core.model import Design, Severity

from .common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    empty_path,
    error,
    load_or_report,
)
from .progress import Stages, count

NAME = "generate"
HELP = "write service code skeletons and broker configuration from a design"
TARGET_CHOICES = ("python", "rabbitmq", "nats", "kafka", "compose", "asyncapi", "all")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the design (*.msgflow.json)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--target",
        default="python",
        metavar="|".join(TARGET_CHOICES),
        help="what to generate (default: python; all: every target)",
    )
    parser.add_argument(
        "--broker",
        default="rabbitmq",
        choices=BROKERS,
        help="the broker generated services use (default: rabbitmq)",
    )
    parser.add_argument(
        "--templates",
        metavar="DIR",
        help="a folder of templates overriding the built-in ones by path",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan; write nothing")
    parser.add_argument(
        "--force", action="store_true", help="also overwrite files that are yours (handlers.py)"
    )
    parser.add_argument(
        "--allow-errors", action="store_true", help="generate even when the design has rule errors"
    )


def _rule_errors(design: Design) -> list[str]:
    # The rules engine is part of the package: a failure to import it is a broken install
    # and stops the command, rather than generating as if the design had no errors.
    from designer.core.rules import validate

    return [f"{d.rule}: {d.message}" for d in validate(design) if d.severity is Severity.ERROR]


def run(args: argparse.Namespace) -> int:
    if empty_path("-o", args.output):
        return EXIT_BAD_INPUT
    if args.templates is not None and empty_path("--templates", args.templates):
        return EXIT_BAD_INPUT
    design = load_or_report(args.file)
    if design is None:
        return EXIT_BAD_INPUT
    unusable = settings_problems(design)
    for problem in unusable:
        print(f"{args.file}: {problem}", file=sys.stderr)
    if unusable:
        return EXIT_BAD_INPUT
    try:
        chosen = targets.resolve(args.target)
    except targets.UnknownTargetError as unknown:
        error(str(unknown))
        return EXIT_BAD_INPUT
    templates = Path(args.templates) if args.templates else None
    if templates is not None and not templates.is_dir():
        error(f"--templates {args.templates}: not a folder")
        return EXIT_BAD_INPUT
    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        error(f"-o {args.output}: exists and is not a folder")
        return EXIT_BAD_INPUT
    stages = Stages(NAME)
    services = count(len(design.nodes), "card")
    with stages.stage(f"checking the rules of {services}"):
        problems = _rule_errors(design)
    if problems and not args.allow_errors:
        for finding in problems:
            print(f"{args.file}: error: {finding}", file=sys.stderr)
        error(f"{len(problems)} rule error(s) in the design: fix them or pass --allow-errors")
        return EXIT_FINDINGS
    options = targets.TargetOptions(broker=args.broker, templates=templates, extra={})
    try:
        with stages.stage(f"rendering {count(len(chosen), 'target')} for {services}"):
            plan = make_plan(design, out_dir, chosen, options, force=args.force)
    except (TemplateError, UnsafePathError, CollisionError) as problem:
        error(str(problem))
        return EXIT_BAD_INPUT
    for line in plan.lines():
        print(line)
    if args.dry_run:
        print(f"dry run, nothing written: {plan.summary()}")
        return EXIT_OK
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with stages.stage(f"writing {count(len(plan.contents), 'file')}"):
            written = apply_plan(plan)
    except UnsafePathError as failure:
        error(str(failure))
        return EXIT_BAD_INPUT
    except OSError as failure:
        error(f"cannot write {failure.filename or out_dir}: {failure.strerror or failure}")
        return EXIT_BAD_INPUT
    print(f"{out_dir}: {plan.summary()} ({len(written)} file(s) written)")
    return EXIT_OK
