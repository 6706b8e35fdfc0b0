"""The long fuzz campaign: the outside harness of issue #10, run from the command line.

    nice -n 10 .venv/bin/python -m tests.fuzz.campaign --minutes 30 --seed 1 --out /tmp/fz

Draws documents from every seed source (tests/fuzz/mutations.py), runs every headless
command on each in-process (as the suite does) and random edit commands on each loadable
one (tests/fuzz/edits.py), and sorts every failure by its cause: the exception and the
innermost frame in designer/, or the broken promise (exit code, file written outside the
output, input changed, canonical text not a fixed point, a saved edit the loader refuses).
Prints documents tried per seed source and command, and each cause with its count; the
first reproducer of each cause is kept in --out.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io as text_io
import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from designer.cli import main
from designer.core import io
from designer.core.document import Document
from designer.core.errors import DesignLoadError, EditError
from designer.core.history import History
from designer.core.rules.engine import validate
from tests.fuzz import broker_runs
from tests.fuzz.edits import random_command
from tests.fuzz.mutations import (
    asyncapi_seed,
    asyncapi_systems,
    document,
    example_seeds,
    exported_spec_document,
    seed,
    seed_sources,
    spec_document,
)
from tests.fuzz.template_packs import snapshot, write_pack

DESIGN, COPY, BASE = "design.msgflow.json", "fmt.msgflow.json", "base.msgflow.json"
CHEAP: tuple[tuple[str, ...], ...] = (
    ("validate", DESIGN),
    ("validate", DESIGN, "--format", "sarif", "--strict"),
    ("fmt", "--check", DESIGN),
    ("diff", BASE, DESIGN),
    ("diff", DESIGN, BASE, "--format", "json"),
    ("export", DESIGN, "--to", "mermaid", "-o", "out/diagrams.md"),
)
COSTLY: tuple[tuple[str, ...], ...] = (
    *(
        ("generate", DESIGN, "--target", target, "-o", f"out/{target}")
        for target in ("python", "rabbitmq", "nats", "kafka", "compose", "asyncapi", "all")
    ),
    ("generate", DESIGN, "--target", "all", "-o", "out/all", "--allow-errors"),
    ("generate", DESIGN, "--target", "all", "--broker", "redis", "-o", "out/r", "--allow-errors"),
    (
        "generate",
        DESIGN,
        "--target",
        "compose",
        "--broker",
        "kafka",
        "-o",
        "out/k",
        "--allow-errors",
    ),
    ("generate", DESIGN, "--target", "python", "--broker", "nats", "-o", "out/n", "--dry-run"),
    ("export", DESIGN, "--to", "html", "-o", "out/page.html"),
    ("export", DESIGN, "--to", "asyncapi", "-o", "out/asyncapi"),
    ("export", DESIGN, "--to", "asyncapi", "--broker", "kafka", "-o", "out/asyncapi-k"),
    ("export", DESIGN, "--to", "eventcatalog", "-o", "out/catalog"),
    ("fmt", "--layout", COPY),
)
# Both sides hostile: two documents mutated independently (OTHER is the second), and the
# commands not run on one document alone.
OTHER, TRACE = "other.msgflow.json", "trace.jsonl"
PAIRED: tuple[tuple[str, ...], ...] = (
    ("diff", DESIGN, OTHER),
    ("diff", OTHER, DESIGN, "--format", "json"),
    ("diff", DESIGN, OTHER, OTHER, DESIGN),
    ("validate", OTHER, "--baseline", DESIGN),
    ("validate", DESIGN, OTHER, "--format", "sarif", "--baseline", OTHER),
    ("fmt", "--check", DESIGN, OTHER),
    ("observe", DESIGN, "--replay", TRACE, "--format", "json"),
    ("observe", OTHER, "--replay", TRACE, "--format", "sarif"),
    ("import", "traffic", TRACE, "-o", "out/traffic.msgflow.json", "--name", "名前/../x"),
    ("export", DESIGN, "--to", "mermaid", "-o", "out/mmd"),
    ("rules", "--format", "json"),
)
# A trace of the shop's own traffic, one hostile record among them.
TRACE_TEXT = (
    '{"msgflow_trace": 1, "broker": "nats", "started": 0}\n'
    '{"t": 1.0, "broker": "nats", "channel": "orders.evt.order-created", "body": "{}"}\n'
    '{"t": 2.0, "broker": "nats", "channel": "loyalty.cmd.add-loyalty-points", "body": "{}"}\n'
    '{"t": 3.0, "broker": "nats", "channel": "../../x", "body": "[[[[[[[[1]]]]]]]]"}\n'
)
PACK_TARGETS = ("python", "python", "all")
PICTURES: tuple[tuple[str, ...], ...] = (
    ("export", DESIGN, "--to", "svg", "-o", "out/d.svg"),
    ("export", DESIGN, "--to", "png", "-o", "out/d.png"),
    ("export", DESIGN, "--to", "pdf", "-o", "out/d.pdf"),
)


def _loads(data: bytes) -> bool:
    try:
        io.loads(data, DESIGN)
    except DesignLoadError:
        return False
    return True


class Hang(Exception):
    pass


PACK_RENDER_SECONDS = 2.0


@contextlib.contextmanager
def _render_budget(seconds: float) -> Iterator[None]:
    from designer.core.codegen import environment

    before = environment.MAX_RENDER_CPU_SECONDS
    environment.MAX_RENDER_CPU_SECONDS = seconds
    try:
        yield
    finally:
        environment.MAX_RENDER_CPU_SECONDS = before


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def _cause(error: BaseException) -> str:
    """The exception type and the innermost frame in designer/ (or the last frame)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/designer/" in f.filename] or frames
    where = ours[-1] if ours else None
    place = (
        f"{where.filename.split('/designer/')[-1]}:{where.lineno} {where.name}" if where else "?"
    )
    return f"{type(error).__name__} at {place}"


def _outside(folder: Path) -> dict[str, object]:
    # Links, FIFOs and devices (a hostile template pack holds them) are noted, never read.
    return snapshot(folder)


class Campaign:
    def __init__(
        self, out: Path, pictures_every: int, edits: int, brokers: broker_runs.Brokers | None = None
    ) -> None:
        self.brokers = brokers
        self.timeout = 0  # seconds a document may take (0: no limit), set by run()
        self.out = out
        self.pictures_every = pictures_every
        self.edits = edits
        self.tried: Counter[tuple[str, str]] = Counter()  # (source, command) -> count
        self.documents: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.causes: Counter[str] = Counter()
        self.where: dict[str, set[str]] = defaultdict(set)
        self.kept: dict[str, str] = {}
        self.label = ""
        self.last_err = ""  # stderr of the last command checked
        self.last_out = ""  # and its stdout

    def fail(self, cause: str, source: str, data: bytes, detail: str) -> None:
        self.causes[cause] += 1
        self.where[cause].add(source)
        if cause not in self.kept:
            digest = hashlib.sha1(cause.encode()).hexdigest()[:10]
            (self.out / f"{digest}.bin").write_bytes(data)
            note = f"{cause}\nseed: {self.label}\n\n{detail}"
            (self.out / f"{digest}.txt").write_text(note, encoding="utf-8")
            self.kept[cause] = digest
            print(f"NEW CAUSE {cause} ({source}) -> {digest}", flush=True)

    def run_command(self, folder: Path, args: tuple[str, ...]) -> tuple[int | None, str, str]:
        out, err = text_io.StringIO(), text_io.StringIO()
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 99
        except Hang:
            raise
        except BaseException as error:
            return None, _cause(error), traceback.format_exc()
        finally:
            os.chdir(cwd)
        self.last_out = out.getvalue()
        return code, "", err.getvalue()

    def one_spec(self, rng: random.Random, source: str) -> None:
        """A mutated AsyncAPI system (of the corpus, or a seed design exported) through
        `msgflow import asyncapi`, then what it made through every command as a design."""
        if source == "asyncapi-spec":
            system, documents, files = spec_document(rng)
            self.label = f"asyncapi-spec:{system}"
        else:
            system, documents, files = exported_spec_document(rng)
            self.label = system
        self.documents[source] += 1
        with tempfile.TemporaryDirectory(prefix="fuzz-long-") as name:
            folder = Path(name)
            (folder / "out").mkdir()
            for relative, data in files.items():
                (folder / "specs" / relative).parent.mkdir(parents=True, exist_ok=True)
                (folder / "specs" / relative).write_bytes(data)
            bundle = json.dumps({k: v.decode("latin-1") for k, v in files.items()}).encode()
            args = ("import", "asyncapi", *(f"specs/{d}" for d in documents))
            args = (*args, "-o", "out/imported.msgflow.json")
            self.tried[(source, "import asyncapi")] += 1
            before = _outside(folder)
            code, cause, err = self.run_command(folder, args)
            if code is None:
                self.fail(f"import: {cause}", source, bundle, f"{system}\n{err}")
                return
            if code not in (0, 2) or "Traceback" in err:
                self.fail(f"import: exit {code}", source, bundle, err)
            if _outside(folder) != before:
                self.fail("import: wrote outside its output or changed a spec", source, bundle, "")
            self.outcomes[f"import exit {code}"] += 1
            if code != 0:
                return
            data = (folder / "out" / "imported.msgflow.json").read_bytes()
            try:
                design = io.loads(data)
            except DesignLoadError as error:
                self.fail("import: wrote a design the loader refuses", source, bundle, str(error))
                return
            if io.dumps(design).encode("utf-8") != data:
                self.fail("import: wrote a design that is not canonical", source, bundle, "")
            (folder / DESIGN).write_bytes(data)
            (folder / COPY).write_bytes(data)
            base = asyncapi_seed(system) if system in asyncapi_systems() else None
            (folder / BASE).write_text(
                base or example_seeds()["shop.msgflow.json"], encoding="utf-8"
            )
            commands = [*CHEAP, rng.choice(COSTLY)]
            if self.pictures_every and rng.randrange(self.pictures_every) == 0:
                commands.append(rng.choice(PICTURES))
            for command in commands:
                self.check(folder, command, data, source, source, True)
            self.check_fmt(folder, data, design, source, source)
        if self.edits:
            self.check_edits(rng, design, data, source, source)

    def one_pair(self, rng: random.Random) -> None:
        """Two documents mutated independently (of any seed sources) through the commands
        that read two designs, a design and a trace, or several files at once."""
        label, kind, data = self._side(rng)
        other_label, other_kind, other = self._side(rng)
        self.label = f"{label} ({kind}) | {other_label} ({other_kind})"
        self.documents["pair"] += 1
        tag = f"pair/{kind}+{other_kind}"
        both = data + b"\n\x00-- other --\x00\n" + other  # the reproducer keeps both
        loadable = sum(_loads(d) for d in (data, other))
        self.outcomes[f"pair: {loadable} of 2 loadable"] += 1
        with tempfile.TemporaryDirectory(prefix="fuzz-long-") as name:
            folder = Path(name)
            (folder / DESIGN).write_bytes(data)
            (folder / OTHER).write_bytes(other)
            (folder / TRACE).write_text(TRACE_TEXT, encoding="utf-8")
            for args in PAIRED:
                self.check(folder, args, data, "pair", tag, True, record=both)
                if (folder / OTHER).read_bytes() != other:
                    self.fail(f"{args[0]}: changed its second input", tag, both, str(args))
                    (folder / OTHER).write_bytes(other)

    @staticmethod
    def _side(rng: random.Random) -> tuple[str, str, bytes]:
        """One side of a pair: mostly a mutated document the loader takes (most mutations
        are refused, and a refused side stops the command at the loader), else any."""
        wanted = rng.random() < 0.75
        for _ in range(6):
            label, kind, _, data = document(rng, rng.choice(seed_sources()), 60)
            if not wanted or _loads(data):
                break
        return label, kind, data

    def one_pack(self, rng: random.Random) -> None:
        """A loadable seed design generated through a hostile template pack."""
        label, text = seed(rng, rng.choice(seed_sources()), 30)
        data = text.encode("utf-8")
        self.documents["template-pack"] += 1
        with tempfile.TemporaryDirectory(prefix="fuzz-long-") as name:
            folder = Path(name)
            (folder / DESIGN).write_bytes(data)
            (folder / "secret.txt").write_text("{{ design_name }} outside the pack\n")
            pack = write_pack(rng, folder / "pack", folder / "secret.txt")
            self.label = f"{label} with pack: {pack}"
            tag = "template-pack/" + ",".join(sorted({p.split("=")[1] for p in pack.split(", ")}))
            target = rng.choice(PACK_TARGETS)
            args = ("generate", DESIGN, "--target", target, "--templates", "pack")
            args = (*args, "-o", "out/p", "--allow-errors")
            record = pack.encode("utf-8", "surrogatepass")
            # A looping template is stopped after its render's CPU budget: a small one here
            # (the seeds have at most 30 services), so that the per-document timeout
            # measures msgflow, not the budget.
            with _render_budget(PACK_RENDER_SECONDS):
                code = self.check(folder, args, data, "template-pack", tag, True, record=record)
            self.outcomes[f"template pack: exit {code}"] += 1
            if code == 2 and ".j2" not in self.last_err and "pack" not in self.last_err:
                self.fail(
                    "generate --templates: refusal names no template", tag, record, self.last_err
                )

    def one(self, rng: random.Random, source: str, number: int) -> None:
        if source in ("asyncapi-spec", "exported-spec"):
            self.one_spec(rng, source)
            return
        if source == "pair":
            self.one_pair(rng)
            return
        if source == "template-pack":
            self.one_pack(rng)
            return
        if source == "broker":
            if self.brokers is None:
                raise RuntimeError("the broker source needs --brokers")
            self.documents["broker"] += 1
            broker_runs.one(self, rng, self.brokers)
            return
        label, kind, seed_text, data = document(rng, source)
        self.label = label  # named in the reproducer's note
        self.documents[source] += 1
        tag = f"{source}/{kind}"
        try:
            design = io.loads(data, DESIGN)
        except DesignLoadError as error:
            design = None
            if not error.problems or not all(p.path.startswith("$") for p in error.problems):
                self.fail("loader: refusal without a located problem", tag, data, str(error))
        except Hang:
            raise
        except BaseException as error:
            self.fail(f"loader: {_cause(error)}", tag, data, traceback.format_exc())
            return
        self.outcomes["accepted" if design is not None else "refused"] += 1
        if design is not None:
            self.tried[(source, "loader round trip")] += 1
            try:
                text = io.dumps(design)
                if io.dumps(io.loads(text)) != text:
                    self.fail("canonical text not a fixed point", tag, data, text[:2000])
            except Hang:
                raise
            except BaseException as error:
                self.fail(f"round trip: {_cause(error)}", tag, data, traceback.format_exc())
        commands = [*CHEAP, rng.choice(COSTLY)]
        # Drawn, not every Nth: with N a multiple of the sources' count, only some sources
        # would ever be drawn as pictures.
        if self.pictures_every and rng.randrange(self.pictures_every) == 0:
            commands.append(rng.choice(PICTURES))
        with tempfile.TemporaryDirectory(prefix="fuzz-long-") as name:
            folder = Path(name)
            (folder / DESIGN).write_bytes(data)
            (folder / COPY).write_bytes(data)
            (folder / BASE).write_text(seed_text, encoding="utf-8")
            for args in commands:
                self.check(folder, args, data, source, tag, design is not None)
            self.check_fmt(folder, data, design, source, tag)
        if design is not None and self.edits:
            self.check_edits(rng, design, data, source, tag)

    def check(
        self,
        folder: Path,
        args: tuple[str, ...],
        data: bytes,
        source: str,
        tag: str,
        ok: bool,
        record: bytes | None = None,
    ) -> int | None:
        """Run one command on `data` (saved as DESIGN) and check every promise; `record`
        is what a failure keeps as its reproducer (default: `data`)."""
        self.last_err = ""
        return self._check(folder, args, data, source, tag, ok, record or data)

    def _check(
        self,
        folder: Path,
        args: tuple[str, ...],
        data: bytes,
        source: str,
        tag: str,
        ok: bool,
        kept: bytes,
    ) -> int | None:
        name = " ".join(
            a.split("://")[0] + "://" if "://" in a else a  # a scratch vhost's URL: its scheme
            for a in args
            if not a.startswith("out/") and a not in (DESIGN, COPY, BASE, OTHER, TRACE)
        )
        self.tried[(source, name)] += 1
        before = _outside(folder)
        code, cause, err = self.run_command(folder, args)
        self.last_err = err
        if code is None:
            self.fail(f"{args[0]}: {cause}", tag, kept, f"{args}\n{err}")
            return None
        if code not in (0, 1, 2):
            self.fail(f"{name}: exit {code}", tag, kept, err)
        if "Traceback" in err:
            self.fail(f"{name}: traceback printed", tag, kept, err)
        after = _outside(folder)
        if (args[0] != "fmt" or "--check" in args) and after != before:
            self.fail(f"{args[0]}: wrote outside its output", tag, kept, str(args))
        if (folder / DESIGN).read_bytes() != data:
            self.fail(f"{args[0]}: changed its input", tag, kept, str(args))
            (folder / DESIGN).write_bytes(data)
        # What a user's own templates render is theirs to make compile.
        written = code == 0 and args[0] in ("generate", "export") and "--dry-run" not in args
        if written and "--templates" not in args:
            self.check_outputs(folder / "out", name, tag, kept)
        if args[:2] == ("validate", DESIGN) and len(args) == 2 and (code == 2) == ok:
            self.fail("validate and the loader disagree", tag, kept, f"{code} {ok}\n{err}")
        return code

    def check_outputs(self, out: Path, name: str, tag: str, data: bytes) -> None:
        """What generation and export wrote must be readable by what reads it next:
        Python that compiles, JSON and YAML that parse."""
        import yaml

        for path in sorted(out.rglob("*")) if out.exists() else []:
            if not path.is_file():
                continue
            try:
                if path.suffix == ".py":
                    compile(path.read_bytes(), str(path), "exec")
                elif path.suffix == ".json":
                    json.loads(path.read_bytes())
                elif path.suffix in (".yml", ".yaml"):
                    list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
            except (SyntaxError, ValueError, yaml.YAMLError) as error:
                kind = path.suffix or path.name
                self.fail(
                    f"{name}: wrote a {kind} file that does not parse",
                    tag,
                    data,
                    f"{path.relative_to(out)}: {error}",
                )

    def check_fmt(self, folder: Path, data: bytes, design: Any, source: str, tag: str) -> None:
        (folder / COPY).write_bytes(data)
        self.tried[(source, "fmt then fmt --check")] += 1
        code, cause, err = self.run_command(folder, ("fmt", COPY))
        if code is None:
            self.fail(f"fmt: {cause}", tag, data, err)
            return
        if code != (2 if design is None else 0):
            self.fail(
                f"fmt: exit {code} for a {'refused' if design is None else 'loadable'} file",
                tag,
                data,
                err,
            )
            return
        if design is None:
            if (folder / COPY).read_bytes() != data:
                self.fail("fmt: changed a file it refused", tag, data, err)
            return
        written = (folder / COPY).read_bytes()
        try:
            reread = io.loads(written)
        except DesignLoadError as error:
            self.fail("fmt: wrote a file the reader refuses", tag, data, str(error))
            return
        if io.dumps(reread).encode("utf-8") != written:
            self.fail("fmt: output not canonical", tag, data, "")
        code, cause, err = self.run_command(folder, ("fmt", "--check", COPY))
        if code != 0:
            self.fail(f"fmt --check after fmt: {code} {cause}", tag, data, err)

    def check_edits(
        self, rng: random.Random, design: Any, data: bytes, source: str, tag: str
    ) -> None:
        doc = Document(design)
        history = History(doc)
        original = io.dumps(doc.design)
        applied = 0
        for _ in range(self.edits):
            command = random_command(rng, doc.design)
            if command is None:
                continue
            name = f"edit {type(command).__name__}"
            self.tried[(source, name)] += 1
            try:
                history.push(command)
            except EditError:
                continue
            except Hang:
                raise
            except BaseException as error:
                self.fail(f"{name}: {_cause(error)}", tag, data, traceback.format_exc())
                continue
            applied += 1
            try:
                text = io.dumps(doc.design)
            except Hang:
                raise
            except BaseException as error:
                self.fail(f"{name} then save: {_cause(error)}", tag, data, traceback.format_exc())
                return
            try:
                reread = io.loads(text)
            except DesignLoadError as error:
                self.fail(
                    f"{name}: saved a design the loader refuses: {error.problems[0].message[:60]}",
                    tag,
                    data,
                    f"{command.__dict__}\n{error}",
                )
                return
            if io.dumps(reread) != text:
                self.fail(f"{name}: saved text not a fixed point", tag, data, str(command.__dict__))
            try:
                validate(doc.design)  # the window validates live after every edit
            except Hang:
                raise
            except BaseException as error:
                self.fail(
                    f"{name} then validate: {_cause(error)}", tag, data, traceback.format_exc()
                )
        self.tried[(source, "edits undone to the original")] += 1
        while history.undo():
            pass
        if io.dumps(doc.design) != original:
            self.fail("undo all does not restore the original", tag, data, "")
        self.outcomes["edits applied"] += applied

    def report(self, elapsed: float) -> str:
        lines = [f"campaign: {sum(self.documents.values())} documents in {elapsed:.0f} s CPU"]
        lines.append("documents per seed source: " + json.dumps(dict(self.documents)))
        lines.append("outcomes: " + json.dumps(dict(self.outcomes)))
        commands = sorted({c for _, c in self.tried})
        sources = sorted({s for s, _ in self.tried})
        lines.append("tried per command: " + ", ".join(sources))
        for command in commands:
            counts = [str(self.tried[(s, command)]) for s in sources]
            lines.append(f"  {command}: " + " / ".join(counts))
        lines.append(f"failure causes: {len(self.causes)}")
        for cause, count in self.causes.most_common():
            lines.append(
                f"  {count:6d}  {cause}  [{', '.join(sorted(self.where[cause]))}] {self.kept[cause]}"
            )
        return "\n".join(lines)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--documents", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("fuzz-campaign"))
    parser.add_argument(
        "--sources",
        default=",".join(
            [*seed_sources(), "asyncapi-spec", "exported-spec", "pair", "template-pack"]
        ),
        help="seed sources, in turn; `broker` (hostile names through broker apply on the "
        "real RabbitMQ and NATS, under flock /tmp/brokers.lock) needs --brokers",
    )
    parser.add_argument("--pictures-every", type=int, default=50)
    parser.add_argument("--edits", type=int, default=12)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument(
        "--brokers", action="store_true", help="allow the broker source (real brokers)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    warnings.simplefilter("ignore")  # pydantic's serializer notes on hostile settings
    args.out.mkdir(parents=True, exist_ok=True)
    brokers = broker_runs.Brokers() if args.brokers else None
    campaign = Campaign(args.out, args.pictures_every, args.edits, brokers)
    campaign.timeout = args.timeout
    sources = args.sources.split(",")
    rng = random.Random(args.seed)
    start = time.process_time()
    signal.signal(signal.SIGALRM, _alarm)
    number = 0
    while True:
        elapsed = time.process_time() - start
        if args.documents and number >= args.documents:
            break
        if not args.documents and elapsed > args.minutes * 60:
            break
        source = sources[number % len(sources)]
        state = rng.getstate()
        signal.alarm(args.timeout)
        try:
            campaign.one(rng, source, number)
        except Hang:
            campaign.fail("hang (over the per-document timeout)", source, b"", repr(state)[:200])
        except Exception as error:  # a slip of this harness, not of msgflow: noted, go on
            campaign.fail(f"harness: {_cause(error)}", source, b"", traceback.format_exc())
        finally:
            signal.alarm(0)
        number += 1
        if number % 200 == 0:
            print(
                f"... {number} documents, {elapsed:.0f} s CPU, {len(campaign.causes)} causes",
                flush=True,
            )
            (args.out / "report.txt").write_text(campaign.report(elapsed), encoding="utf-8")
    text = campaign.report(time.process_time() - start)
    (args.out / "report.txt").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(run())
