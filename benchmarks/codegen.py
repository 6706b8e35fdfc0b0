"""Code generation speed: `msgflow generate --target python` for 10 / 100 / 500 services.

Prints, per size, the time to render (templates only), the time of a first generation
into an empty folder (plan + atomic writes) and of a no-change regeneration, which must
write nothing. Ratios are to the 10-service render of the same run. Target: a first
generation of 100 services in under 1 s. Each time is wall clock; the `cpu` columns are
this process's CPU seconds for the same work (all threads), which is what to compare
while other processes share the machine's two cores.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from designer.core.codegen.plan import apply_plan, make_plan
from designer.core.codegen.python_target import python_project
from designer.core.codegen.targets import Target, TargetOptions, get
from designer.core.model import Design
from designer.core.synthetic import synthetic_design

T = TypeVar("T")


def _timed(action: Callable[[], T]) -> tuple[float, float, T]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def _generate(design: Design, out: Path, target: list[Target], options: TargetOptions) -> list[str]:
    return apply_plan(make_plan(design, out, target, options))


def main() -> int:
    target = [get("python")]
    options = TargetOptions(broker="rabbitmq")
    baseline = None
    failed = False
    print(
        f"{'services':>8} {'files':>6} {'render s':>9} {'cpu':>6} {'generate s':>11} {'cpu':>6}"
        f" {'regen s':>8} {'cpu':>6} {'regen writes':>12} {'x base':>7}"
    )
    for services in (10, 100, 500):
        design = synthetic_design(services, seed=1)
        render_s, render_cpu, files = _timed(partial(python_project, design, options))
        baseline = baseline or render_s
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "out"
            first_s, first_cpu, _ = _timed(partial(_generate, design, out, target, options))
            regen_s, regen_cpu, written = _timed(partial(_generate, design, out, target, options))
        print(
            f"{services:>8} {len(files):>6} {render_s:>9.3f} {render_cpu:>6.3f} {first_s:>11.3f}"
            f" {first_cpu:>6.3f} {regen_s:>8.3f} {regen_cpu:>6.3f} {len(written):>12}"
            f" {render_s / baseline:>7.1f}"
        )
        if written:
            print(f"  FAIL: a no-change regeneration wrote {written[:3]}")
            failed = True
        if services == 100 and first_s >= 1.0:
            print(f"  over target: 100 services took {first_s:.2f} s (target < 1 s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
