"""Auto-layout speed with bounded contexts against the same design without them.

For synthetic designs of 100 / 300 / 1,000 services (3x as many flows, contexts of 10
services) this prints the auto-layout time with the contexts (best of 3, wall and CPU),
the time of the same design with every `boundary` removed (a flat layered layout: the
baseline, measured in the same run) and their ratio, plus the drawn crossings of both.
Target: well under a few seconds at 1,000 services. Figures only; nothing asserts a time.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from designer.core.layout import auto_layout, count_crossings
from designer.core.model import Design
from designer.core.synthetic import synthetic_design

SIZES = (100, 300, 1_000)


def _best_of(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """Best wall-clock and CPU seconds (CPU shows the work itself on a shared machine)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def _flat(design: Design) -> Design:
    nodes = [n.model_copy(update={"boundary": None}) for n in design.nodes]
    return design.model_copy(update={"nodes": nodes})


def main() -> None:
    print("services  flows  contexts: wall / cpu s  flat: wall / cpu s  ratio  crossings (flat)")
    for size in SIZES:
        design = synthetic_design(size, seed=1)
        flat = _flat(design)
        wall, cpu = _best_of(3, lambda d=design: auto_layout(d))
        flat_wall, flat_cpu = _best_of(3, lambda d=flat: auto_layout(d))
        crossings = (
            f"{count_crossings(auto_layout(design))} ({count_crossings(auto_layout(flat))})"
            if size <= 300
            else "-"
        )
        print(
            f"{size:8}  {len(design.flows):5}  {wall:8.2f} / {cpu:5.2f}     "
            f"{flat_wall:6.2f} / {flat_cpu:5.2f}    {wall / flat_wall:5.2f}  {crossings}"
        )


if __name__ == "__main__":
    main()
