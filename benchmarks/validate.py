"""Validation speed: full `validate()` against `IncrementalValidator.update()` after one edit.

For synthetic designs of 100 / 1,000 / 5,000 services (3x as many flows) this prints the
full validation time (best of 3), the time of an incremental update after a single edit
(median and worst over a mix of real commands: change a transport, rename a message,
rename a node, retarget a flow, add a flow, remove a flow — each done and undone), and
full / incremental as the ratio. Targets (issue 3): full < 100 ms at 1,000 services,
incremental < 5 ms. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections.abc import Callable

from designer.core import commands as cmd
from designer.core.document import Change, Document
from designer.core.incremental import IncrementalValidator
from designer.core.model import Design, Flow
from designer.core.rules import validate
from designer.core.synthetic import synthetic_design

SIZES = (100, 1_000, 5_000)


def _best_of(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """Best wall-clock and best CPU time of `runs` runs (CPU time shows the cost of the
    work itself when other processes share the machine's two cores)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def _edits(design: Design, round_: int) -> list[cmd.Command]:
    flows, messages, nodes = design.flows, design.messages, design.nodes
    pick = (round_ * 97) % len(flows)
    flow, other = flows[pick], flows[(pick + len(flows) // 2) % len(flows)]
    message = messages[(round_ * 31) % len(messages)]
    node = nodes[(round_ * 13) % len(nodes)]
    new_flow = Flow.model_validate(
        {
            "id": f"f{len(flows) + 1 + round_}",
            "message": flow.message,
            "from": other.source,
            "to": other.target,
            "transport": "queue",
        }
    )
    return [
        cmd.EditFlow(flow.id, transport="http" if flow.transport != "http" else "queue"),
        cmd.EditMessage(message.id, name=f"{message.name}Renamed"),
        cmd.EditNode(node.id, name=f"{node.name} (renamed)"),
        cmd.EditFlow(other.id, target=flow.target),
        cmd.AddFlow(new_flow),
        cmd.RemoveFlows([other.id]),
    ]


def measure(services: int) -> tuple[tuple[float, float], list[float], int]:
    design = synthetic_design(services)

    full_time = _best_of(5, lambda: validate(design))
    diagnostics = len(validate(design))
    doc = Document(design)
    validator = IncrementalValidator(doc.design)
    pending: list[tuple[Change, ...]] = []
    doc.subscribe(pending.append)
    times: list[float] = []
    for round_ in range(3):
        for command in _edits(doc.design, round_):
            for step in (command.redo, command.undo):
                step(doc)
                changes = pending.pop()
                start = time.perf_counter()
                validator.update(doc.design, changes)
                times.append(time.perf_counter() - start)
    if validator.diagnostics != validate(doc.design):  # a benchmark of wrong answers is worthless
        sys.exit("incremental validation diverged from a full run")
    return full_time, times, diagnostics


def main() -> None:
    print("validation: full run vs incremental update after one edit (milliseconds, wall clock;")
    print("'full cpu' is the CPU time of the best full run, unaffected by other processes)")
    print(
        f"{'services':>8} {'flows':>6} {'diags':>6} {'full':>8} {'full cpu':>9} "
        f"{'incr med':>9} {'incr max':>9} {'full/incr':>10}"
    )
    for services in SIZES:
        (wall, cpu), times, diagnostics = measure(services)
        median = statistics.median(times)
        print(
            f"{services:>8} {3 * services:>6} {diagnostics:>6} {wall * 1000:>8.1f} {cpu * 1000:>9.1f} "
            f"{median * 1000:>9.2f} {max(times) * 1000:>9.2f} {wall / median:>9.0f}x"
        )
    print("targets: full < 100 ms at 1,000 services; incremental < 5 ms")
    if hasattr(os, "getloadavg"):
        print(f"load average after the run: {os.getloadavg()[0]:.1f} (on 2 cores)")


if __name__ == "__main__":
    main()
