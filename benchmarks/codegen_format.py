"""Hand-written layout against ruff (issue #11): what formatting generated Python costs.

Generated files are laid out as `ruff format` and ruff's isort would lay them out by
`designer/core/codegen/pyformat.py` (bracket layout, import blocks, string quoting) while
they are rendered. The alternative is to render them plainly and run ruff over the tree.
For 10 / 100 / 500 synthetic services (RabbitMQ) this prints, in CPU seconds (this
process plus its children, so ruff's threads count; the machine is shared):

- `generate`: a first generation into an empty folder as it is now (best of 3);
- `pyformat`: the share of that spent in pyformat's functions, from a cProfile run
  (their own time as a fraction of the profiled total, applied to `generate`): the most a
  plain renderer could save;
- `ruff`: `ruff format` plus `ruff check --select I --fix` (imports) over the generated
  tree, as subprocesses without cache (best of 3), and whether they changed any file
  (they must not: the output is already ruff's);
- `with ruff`: generate - pyformat + ruff, what generation would cost with ruff doing the
  layout, and its ratio to generation as it is now.

The budget is a first generation of 100 services in under 1 s. ruff cannot replace all of
pyformat: `ruff format` never splits a long string, comment or docstring (E501), so that
part would stay hand-written either way.
"""

from __future__ import annotations

import cProfile
import gc
import hashlib
import itertools
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from designer.core.codegen import pyformat
from designer.core.codegen.plan import apply_plan, make_plan
from designer.core.codegen.targets import TargetOptions, get
from designer.core.model import Design
from designer.core.synthetic import synthetic_design

SIZES = (10, 100, 500)
RUNS = 3
OPTIONS = TargetOptions(broker="rabbitmq")


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (ruff)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _best_cpu(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        gc.collect()
        start = _cpu()
        work()
        best = min(best, _cpu() - start)
    return best


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _ruff(folder: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    subprocess.run([ruff, "format", "--no-cache", "--quiet", str(folder)], check=True)
    subprocess.run(
        [ruff, "check", "--no-cache", "--quiet", "--select", "I", "--fix", str(folder)],
        check=True,
    )


def _generate_into_new_folder(design: Design, root: Path, numbers: Iterator[int]) -> list[str]:
    out = root / f"out{next(numbers)}"
    return apply_plan(make_plan(design, out, [get("python")], OPTIONS))


def _pyformat_share(generate: Callable[[], object]) -> float:
    """Fraction of the generation's profiled time spent in pyformat's own functions."""
    profiler = cProfile.Profile()
    profiler.runcall(generate)
    stats = pstats.Stats(profiler)
    total = ours = 0.0
    for (file, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        own_time = row[2]
        total += own_time
        if file == pyformat.__file__:
            ours += own_time
    return ours / total if total else 0.0


def main() -> int:
    target = [get("python")]
    print(
        f"{'services':>8} {'files':>6} {'generate s':>10} {'pyformat s':>10} {'share':>6}"
        f" {'ruff s':>7} {'ruff wall s':>11} {'changed':>7} {'with ruff s':>11} {'x now':>6}"
    )
    for services in SIZES:
        design = synthetic_design(services, seed=1)
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            generate = partial(_generate_into_new_folder, design, root, itertools.count())
            generate_s = _best_cpu(generate)
            share = _pyformat_share(generate)
            pyformat_s = generate_s * share

            ruff_s = wall_s = float("inf")
            changed = False
            for run in range(RUNS):
                out = root / f"ruff{run}"
                apply_plan(make_plan(design, out, target, OPTIONS))
                before = _tree_digest(out)
                start_cpu, start_wall = _cpu(), time.perf_counter()
                _ruff(out)
                ruff_s = min(ruff_s, _cpu() - start_cpu)
                wall_s = min(wall_s, time.perf_counter() - start_wall)
                changed = changed or _tree_digest(out) != before
            files = sum(1 for _ in (root / "ruff0").rglob("*.py"))
        with_ruff = generate_s - pyformat_s + ruff_s
        print(
            f"{services:>8} {files:>6} {generate_s:>10.3f} {pyformat_s:>10.3f} {share:>6.1%}"
            f" {ruff_s:>7.3f} {wall_s:>11.3f} {'yes' if changed else 'no':>7}"
            f" {with_ruff:>11.3f} {with_ruff / generate_s:>6.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
