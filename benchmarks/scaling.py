"""Scaling: every headless command on synthetic designs of 100 / 1,000 / 10,000 services.

For each size (3 flows per service) this measures, in CPU seconds of this process (the
machine is shared, so wall time mostly measures the neighbours): load, validate, `fmt`
of a non-canonical copy, every core export (mermaid, html, asyncapi, eventcatalog) into
a scratch folder, the picture exports (png, svg, pdf: the canvas drawn by Qt, offscreen),
every generate target on its own (render only) and `generate --target all` as the
command runs it (render, plan, write). Each row is printed as it is measured.
Everything runs once on a tiny design first, unmeasured, so one-time costs (imports,
template compilation, Qt's start-up) do not inflate the first size.

An operation whose time at the previous size, grown linearly, would pass `--budget`
seconds (default 120) is not run at the larger size: the row says so (the diagram
exports route every arrow and take minutes at 10,000 services).

The table gives microseconds per service and the ratio of that to the smallest size of
the same run: a ratio near 1 is linear cost; a ratio that grows with the size is the
super-linear growth issue #10 is about. Then the three figures of the issue: generate
--target all at 1,000 services, mermaid at 2,000 flows, fmt at 10,000 messages (measured
first, before the run deletes any output folder: see `issue_targets`).
Figures only; nothing here asserts a time.

    python benchmarks/scaling.py            # 100, 1000, 10000
    python benchmarks/scaling.py 100 1000   # chosen sizes
    python benchmarks/scaling.py 100 10000 --skip "export html"   # leave operations out
    python benchmarks/scaling.py --budget 600                     # wait longer
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io as text_io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from designer.cli import main as msgflow
from designer.core import io
from designer.core.codegen import targets
from designer.core.exporters import CORE_FORMATS, export_to
from designer.core.model import Design
from designer.core.rules import validate
from designer.core.synthetic import synthetic_design

SIZES = (100, 1_000, 10_000)
IMAGE_FORMATS = ("png", "svg", "pdf")


def cpu_seconds(work: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    with (
        contextlib.redirect_stdout(text_io.StringIO()),
        contextlib.redirect_stderr(text_io.StringIO()),
    ):
        work()
    return time.process_time() - start


def command_cpu_seconds(args: list[str]) -> float:
    """CPU seconds of `msgflow ARGS` run as a user runs it: a new process (start-up,
    imports and all), user + system time of it and its threads."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "designer", *args], check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _fmt(folder: Path, design: Design) -> Callable[[], object]:
    path = folder / "fmt.msgflow.json"
    # Compact JSON: not canonical, so fmt reads, checks and rewrites the whole file.
    path.write_text(json.dumps(json.loads(io.dumps(design))), encoding="utf-8")
    return lambda: msgflow(["fmt", str(path)])


def _render_picture(design: Design, path: Path, fmt: str) -> object:
    # What `msgflow export --to png|svg|pdf` runs; Qt, so imported only when measured.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from designer.qt.render import render_design

    return render_design(design, path, fmt, scale=1.0)


def operations(folder: Path, design: Design) -> dict[str, Callable[[], object]]:
    source = folder / "design.msgflow.json"
    io.save(design, source)
    ops: dict[str, Callable[[], object]] = {
        "load": lambda: io.load(source),
        "validate": lambda: validate(design),
        "fmt": _fmt(folder, design),
    }
    for fmt in CORE_FORMATS:
        out = folder / f"export-{fmt}" / ("d.md" if fmt == "mermaid" else "d.html")
        if fmt in ("asyncapi", "eventcatalog"):
            out = out.parent
        ops[f"export {fmt}"] = lambda fmt=fmt, out=out: export_to(design, fmt, out)
    for fmt in IMAGE_FORMATS:
        picture = folder / f"picture.{fmt}"
        ops[f"export {fmt}"] = lambda fmt=fmt, picture=picture: _render_picture(
            design, picture, fmt
        )
    options = targets.TargetOptions(broker="rabbitmq")
    for name in targets.available():
        ops[f"render {name}"] = lambda name=name: targets.get(name).render(design, options)
    generate = ["generate", str(source), "--target", "all", "--allow-errors"]
    ops["generate all"] = lambda: msgflow([*generate, "-o", str(folder / "generated")])
    return ops


def issue_targets() -> list[str]:
    """Issue #10's three figures. `generate --target all` creates 14,672 files; on an ext4
    without a journal (this project's machine) creating a file costs several times more
    while many files were deleted in the last minutes (the inode allocator steps over
    recently freed inodes; see benchmarks/generate_all.py). So it is measured before this
    run deletes anything, and once more right after deleting one output, and both are shown."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        thousand = synthetic_design(1_000)
        io.save(thousand, folder / "t.msgflow.json")
        args = ["generate", str(folder / "t.msgflow.json"), "--target", "all", "--allow-errors"]
        in_process = cpu_seconds(lambda: msgflow([*args, "-o", str(folder / "out")]))
        fresh = command_cpu_seconds([*args, "-o", str(folder / "fresh")])
        shutil.rmtree(folder / "out")
        after_delete = command_cpu_seconds([*args, "-o", str(folder / "again")])
        lines.append(
            f"  generate --target all, 1,000 services: {in_process:.2f} s in this process, "
            f"{fresh:.2f} s as a new `msgflow` process (target < 10 s); "
            f"{after_delete:.2f} s right after deleting one earlier output"
        )
        flows = synthetic_design(700, 2_000)
        seconds = cpu_seconds(lambda: export_to(flows, "mermaid", folder / "m.md"))
        lines.append(f"  mermaid, {len(flows.flows):,} flows: {seconds:.2f} s (target < 1 s)")
        messages = synthetic_design(4_620, 13_860)
        seconds = cpu_seconds(_fmt(folder, messages))
        lines.append(f"  fmt, {len(messages.messages):,} messages: {seconds:.2f} s (target < 2 s)")
    return lines


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="CPU time per service of every headless command at growing design sizes."
    )
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), help="services")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="OPERATION", help="leave one out"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        metavar="S",
        help="do not run an operation whose linear estimate passes S seconds",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = _options(argv)
    skip, budget, sizes = set(options.skip), options.budget, tuple(options.sizes)
    # First, before this run deletes any output: see `issue_targets`.
    targets_report = issue_targets()
    results: dict[str, dict[int, float]] = {}
    over_budget: set[str] = set()  # not run at a size: not at larger ones either
    with tempfile.TemporaryDirectory() as name:
        # Once, unmeasured: imports, compiled templates and Qt's start-up would otherwise
        # be counted in the first size only, and flatter every ratio.
        for label, work in operations(Path(name), synthetic_design(10)).items():
            if label not in skip:
                cpu_seconds(work)
    print(f"{'operation':<22}{'services':>9}{'CPU s':>9}{'µs/service':>12}{'ratio':>7}")
    for index, size in enumerate(sizes):
        design = synthetic_design(size)
        with tempfile.TemporaryDirectory() as name:
            for label, work in operations(Path(name), design).items():
                if label in skip:
                    continue
                if label in over_budget:
                    continue
                before = results.get(label, {}).get(sizes[index - 1]) if index else None
                if before is not None and before * size / sizes[index - 1] > budget:
                    over_budget.add(label)
                    estimate = before * size / sizes[index - 1]
                    print(f"{label:<22}{size:>9}  not run: ~{estimate:.0f} s if linear", flush=True)
                    continue
                seconds = cpu_seconds(work)
                results.setdefault(label, {})[size] = seconds
                per = seconds / size * 1e6
                first = results[label][sizes[0]] / sizes[0] * 1e6
                ratio = per / first if first else float("nan")
                print(f"{label:<22}{size:>9}{seconds:>9.2f}{per:>12.0f}{ratio:>7.2f}", flush=True)
    print()
    print("issue #10 targets (CPU seconds):")
    for line in targets_report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
