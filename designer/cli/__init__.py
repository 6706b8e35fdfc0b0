"""`msgflow`: every headless command, and the window when no command is given.

Each command lives in its own module exposing `NAME`, `HELP`, `add_arguments(parser)` and
`run(args) -> int`. Exit codes follow docs/file-format.md §2: 0 ok, 1 findings, 2 bad input.
Nothing here imports Qt except the `gui` command, lazily.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from . import broker, diff, export, fmt, generate, gui, import_cmd, observe, rules, validate

# The order here is the order of `msgflow --help`. Every command is imported up front: a
# module that fails to import stops `msgflow` with its error instead of vanishing from it.
COMMAND_MODULES: list[ModuleType] = [
    gui,
    fmt,
    validate,
    rules,
    generate,
    export,
    import_cmd,
    diff,
    broker,
    observe,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msgflow",
        description="Design message-driven systems: commands, queries and events.",
    )
    from designer import __version__

    parser.add_argument("--version", action="version", version=f"msgflow {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        sub = commands.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def _command_typo(word: str, names: set[str]) -> str:
    """A ' (did you mean ...)' hint when `word` is no file but looks like a command."""
    from pathlib import Path

    from designer.core.errors import did_you_mean

    return "" if Path(word).exists() else did_you_mean(word, sorted(names))


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    names = {m.NAME for m in COMMAND_MODULES}
    # `msgflow` and `msgflow FILE` open the window, like most desktop tools.
    if not args_list or (args_list[0] not in names and not args_list[0].startswith("-")):
        typo = _command_typo(args_list[0], names) if args_list else ""
        if typo:  # `msgflow valdate x.json` would open a window on a file named "valdate"
            print(f"msgflow: unknown command '{args_list[0]}'{typo}", file=sys.stderr)
            return 2
        args_list.insert(0, "gui")
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`msgflow diff a b | head`): like other Unix tools, exit as
        # killed by SIGPIPE rather than claim a result nobody read. Point stdout at devnull
        # so the interpreter's final flush does not complain.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code


if __name__ == "__main__":
    sys.exit(main())
