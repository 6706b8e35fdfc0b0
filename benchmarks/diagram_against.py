"""The geometry engine against an earlier commit's: same drawings, how much faster.

    python benchmarks/diagram_against.py main            # examples, synthetic 100/300/1000
    python benchmarks/diagram_against.py HEAD~3 --sizes 1000 --rounds 3

The `designer/core/diagram` package of the given commit is unpacked into a scratch
folder and imported next to today's, so both run in this one process on the same laid-out
designs (auto-layout runs once per design). For each design it checks that every card,
route, label box, leader line, style and frame is equal in both diagrams (a speed change
must not change the picture), and prints the CPU seconds of building each, the rounds
interleaved (old, new, old, new, ...) so the machine's load falls on both alike. CPU time
of this process: on a shared machine wall time mostly measures the neighbours.
Figures only; it exits non-zero if a diagram differs.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from designer.core.diagram import Diagram
from designer.core.io import load as load_design
from designer.core.layout import auto_layout
from designer.core.model import Design
from designer.core.synthetic import synthetic_design

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assets" / "examples"


def package_at(commit: str, into: Path) -> ModuleType:
    """`designer.core.diagram` as it was at `commit`, imported as `diagram_at_<commit>`."""
    archive = subprocess.run(
        ["git", "archive", commit, "designer/core/diagram"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    name = "diagram_at_" + "".join(c if c.isalnum() else "_" for c in commit)
    (into / "designer" / "core" / "diagram").rename(into / name)
    sys.path.insert(0, str(into))
    return importlib.import_module(name)


def _plain(value: object) -> object:
    """Rects and frames as tuples: the two packages' classes are not the same class."""
    if hasattr(value, "w") and hasattr(value, "h"):
        return (value.x, value.y, value.w, value.h)  # type: ignore[attr-defined]
    if hasattr(value, "title") and hasattr(value, "rect"):
        return (value.name, _plain(value.rect), _plain(value.title))  # type: ignore[attr-defined]
    return value


def differences(old: Diagram, new: Diagram) -> list[str]:
    """What differs between two diagrams (empty: the same picture)."""
    found = []
    for part in ("cards", "frames"):
        a, b = getattr(old, part), getattr(new, part)
        if {k: _plain(v) for k, v in a.items()} != {k: _plain(v) for k, v in b.items()}:
            found.append(part)
    if old.arrows.keys() != new.arrows.keys():
        found.append("arrow keys")
    for key in sorted(old.arrows.keys() & new.arrows.keys()):
        a, b = old.arrows[key], new.arrows[key]
        for part in ("points", "label", "leader", "style"):
            if _plain(getattr(a, part)) != _plain(getattr(b, part)):
                found.append(f"{key} {part}")
    return found


def build(package: ModuleType, design: Design) -> tuple[Diagram, float]:
    start = time.process_time()
    diagram = package.DiagramEngine(design).diagram
    return diagram, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("commit", help="the commit to compare with (e.g. main)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 300, 1_000])
    parser.add_argument("--seed", type=int, nargs="*", default=[1], help="of the synthetic designs")
    parser.add_argument("--no-examples", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="builds of each, interleaved")
    args = parser.parse_args()
    import designer.core.diagram as today

    designs: list[tuple[str, Design]] = []
    if not args.no_examples:
        for path in sorted(EXAMPLES.glob("*.json")):
            design = load_design(path)
            name = path.name.split(".")[0]
            if all(n.id in design.layout.nodes for n in design.nodes):
                designs.append((f"{name} as shipped", design))
            designs.append((f"{name} auto-layout", auto_layout(design)))
    designs += [
        (
            f"synthetic {n}" + (f" seed {seed}" if seed != 1 else ""),
            auto_layout(synthetic_design(n, seed=seed)),
        )
        for seed in args.seed
        for n in args.sizes
    ]
    differing = 0
    with tempfile.TemporaryDirectory() as scratch:
        before = package_at(args.commit, Path(scratch))
        print(
            f"| design | same drawing | {args.commit} CPU s | today CPU s | today / {args.commit} |"
        )
        print("|---|---|---|---|---|")
        for package in (before, today):  # one unmeasured build each: first-call costs
            build(package, designs[0][1])
        for name, design in designs:
            old_times, new_times = [], []
            old = new = None
            for _ in range(args.rounds):
                old, took = build(before, design)
                old_times.append(took)
                new, took = build(today, design)
                new_times.append(took)
            assert old is not None and new is not None
            diff = differences(old, new)
            differing += bool(diff)
            same = "yes" if not diff else f"NO ({len(diff)}: {', '.join(diff[:3])} ...)"
            o, n = min(old_times), min(new_times)
            print(f"| {name} | {same} | {o:.3f} | {n:.3f} | {n / o:.2f} |", flush=True)
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
