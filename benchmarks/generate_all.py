"""Issue #10's headline figure: `msgflow generate --target all` for 1,000 services.

Runs the command as a user runs it, a new process each time (start-up, imports, render,
plan, writes and the flushes that make them durable), `--runs` times (default 5) in each
of three situations:

- `fresh`: into an empty output folder (every file created);
- `unchanged`: into a folder generated from the same design (every file compared, none
  written; each service's `handlers.py` edited, as a user's would be, so each is checked);
- `changed`: into a folder generated from another design of the same size (seed + 1): most
  generated files are replaced, the user's files are kept.

Prints per run the CPU seconds of the child process (user, system, user + system, from
getrusage RUSAGE_CHILDREN: the machine is shared, wall time mostly measures the
neighbours; the wall time is printed for information), the files written and the load
average; then the median of each column.
`--baseline DIR` also runs the `designer` package of another source tree (e.g. `git
archive main | tar -x -C DIR`), alternating with this one run by run, so both are
measured in the same conditions. Figures only: nothing here asserts a time.

Output folders are prepared by copying and deleted only at the end: on an ext4 without a
journal, creating a file costs more while many files were deleted in the last minutes
(the inode allocator steps over recently freed inodes), so deleting one run's output
before the next would inflate the next run's system time.

    python benchmarks/generate_all.py                 # 1,000 services, 5 runs each
    python benchmarks/generate_all.py --services 2000 --runs 3 --only fresh
    python benchmarks/generate_all.py --baseline /tmp/main-tree
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from designer.core import io
from designer.core.synthetic import synthetic_design

SITUATIONS = ("fresh", "unchanged", "changed")


def _command(design: Path, out: Path) -> list[str]:
    generate = ["generate", str(design), "-o", str(out), "--target", "all", "--allow-errors"]
    return [sys.executable, "-m", "designer", *generate]


def _environment(tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if tree is not None:  # its `designer` package first on the path
        env["PYTHONPATH"] = os.pathsep.join([str(tree), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    return env


def _run(design: Path, out: Path, tree: Path | None) -> tuple[float, float, float, int]:
    """(user s, system s, wall s, files written) of one `msgflow generate` child process."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(
        _command(design, out), check=True, capture_output=True, text=True, env=_environment(tree)
    )
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter() - start
    found = re.search(r"\((\d+) file\(s\) written\)", done.stdout)
    written = int(found.group(1)) if found else -1
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, wall, written


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--services", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="the design's (the other's: +1)")
    parser.add_argument("--only", action="append", choices=SITUATIONS, default=[])
    parser.add_argument("--baseline", type=Path, help="another source tree to compare with")
    parser.add_argument("--dir", type=Path, help="scratch folder (default: the system's temp)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = _options(argv)
    situations = options.only or list(SITUATIONS)
    trees: list[tuple[str, Path | None]] = [("this", None)]
    if options.baseline is not None:
        trees.insert(0, ("baseline", options.baseline.resolve()))
    print(f"generate --target all, {options.services:,} services, a new process per run")
    print(
        f"{'situation':<10}{'tree':<9}{'run':>4}{'user s':>8}{'sys s':>8}{'CPU s':>8}"
        f"{'wall s':>8}{'written':>9}  load average"
    )
    with tempfile.TemporaryDirectory(dir=options.dir) as name:
        folder = Path(name)
        design = folder / "design.msgflow.json"
        io.save(synthetic_design(options.services, seed=options.seed), design)
        other = folder / "other.msgflow.json"
        io.save(synthetic_design(options.services, seed=options.seed + 1), other)
        # One generation each to copy from (by this tree: the output is the same).
        start = {"unchanged": design, "changed": other}
        for situation in situations:
            if situation in start:
                subprocess.run(
                    _command(start[situation], folder / f"{situation}-start"),
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                # As a user's: each service's handlers edited (they are checked, not kept
                # as they came, on every regeneration).
                for handlers in (folder / f"{situation}-start").glob("*/handlers.py"):
                    with handlers.open("a", encoding="utf-8") as mine:
                        mine.write("\n\ndef my_helper() -> int:\n    return 42\n")
        rows: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for situation in situations:
            for run in range(1, options.runs + 1):
                # Alternate which tree goes first: neither always gets the quieter moment.
                for label, tree in trees if run % 2 else trees[::-1]:
                    out = folder / f"{situation}-{label}-{run}"
                    if situation in start:
                        shutil.copytree(folder / f"{situation}-start", out, symlinks=True)
                    user, system, wall, written = _run(design, out, tree)
                    rows.setdefault((situation, label), []).append((user, system))
                    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                    print(
                        f"{situation:<10}{label:<9}{run:>4}{user:>8.2f}{system:>8.2f}"
                        f"{user + system:>8.2f}{wall:>8.2f}{written:>9}  {load}",
                        flush=True,
                    )
        print()
        for (situation, label), measured in rows.items():
            user = statistics.median(r[0] for r in measured)
            system = statistics.median(r[1] for r in measured)
            total = statistics.median(r[0] + r[1] for r in measured)
            print(f"{situation:<10}{label:<9}{'med':>4}{user:>8.2f}{system:>8.2f}{total:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
