"""Structural fuzzing of every headless command (issue #10).

For each generated document, each command must: exit 0, 1 or 2 (docs/file-format.md §2) and
never raise; write nothing outside its output folder; leave its input byte-identical
(`fmt` rewrites only the file it was given, keeping `FILE~`); leave Python that compiles
and JSON/YAML that parse in what it generates or exports; and whatever the loader
accepts must have a canonical text that is a fixed point (`fmt` then `fmt --check`).

The budget is bounded for `make test`; `make fuzz` runs the same test for longer
(`MSGFLOW_FUZZ_DOCUMENTS`) and prints how many documents were tried.
"""

from __future__ import annotations

import contextlib
import io as text_io
import json
import os
import tempfile
import traceback
from collections import Counter
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.cli import main
from designer.core import io
from designer.core.errors import DesignLoadError
from tests.fuzz.documents import EXAMPLES, documents

BUDGET = int(os.environ.get("MSGFLOW_FUZZ_DOCUMENTS", "40"))
DESIGN, COPY, BASE = "design.msgflow.json", "fmt.msgflow.json", "base.msgflow.json"

# Cheap commands run on every document; one of the costly ones is drawn per document.
ALWAYS = (
    ("validate", DESIGN),
    ("validate", DESIGN, "--format", "json"),
    ("fmt", "--check", DESIGN),
    ("diff", BASE, DESIGN),
    ("diff", DESIGN, BASE, "--format", "json"),
    ("export", DESIGN, "--to", "mermaid", "-o", "out/diagrams.md"),
    ("export", DESIGN, "--to", "mermaid", "-o", "out/mmd"),
)
COSTLY = (
    ("generate", DESIGN, "--target", "all", "-o", "out/gen"),
    ("generate", DESIGN, "--target", "all", "-o", "out/gen", "--allow-errors"),
    ("generate", DESIGN, "--target", "compose", "--broker", "kafka", "-o", "out/k"),
    ("export", DESIGN, "--to", "html", "-o", "out/page.html"),
    ("export", DESIGN, "--to", "asyncapi", "-o", "out/asyncapi"),
    ("export", DESIGN, "--to", "eventcatalog", "-o", "out/catalog"),
    ("export", DESIGN, "--to", "svg", "-o", "out/d.svg"),
    # The same Qt canvas as svg, through its raster (png) and printer (pdf) paths.
    ("export", DESIGN, "--to", "png", "-o", "out/d.png"),
    ("export", DESIGN, "--to", "pdf", "-o", "out/d.pdf"),
)


def _outside(folder: Path) -> dict[str, bytes | None]:
    """Every path outside `out/` with its bytes (None for folders)."""
    result: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] == "out":
            continue
        result[str(relative)] = None if path.is_dir() else path.read_bytes()
    return result


def _run(folder: Path, args: tuple[str, ...]) -> tuple[int, str]:
    out, err = text_io.StringIO(), text_io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    except SystemExit as stop:  # argparse: our arguments are fixed, so never expected
        code = stop.code if isinstance(stop.code, int) else 99
    except BaseException:  # the point is to report any escape
        raise AssertionError(f"{args} raised:\n{traceback.format_exc()}") from None
    finally:
        os.chdir(cwd)
    return code, err.getvalue()


def _check_command(folder: Path, args: tuple[str, ...], data: bytes) -> int:
    before = _outside(folder)
    code, err = _run(folder, args)
    assert code in (0, 1, 2), (args, code, err)
    assert "Traceback" not in err, (args, err)
    assert _outside(folder) == before, f"{args} wrote outside its output"
    assert (folder / DESIGN).read_bytes() == data
    if code == 0 and args[0] in ("generate", "export"):
        _outputs_parse(folder / "out")
    return code


def _outputs_parse(out: Path) -> None:
    """What generation and export wrote is readable by what reads it next: Python that
    compiles, JSON and YAML that parse (whatever names the design held). The first 40
    files: every service's code holds the same names, and `make test` stays fast."""
    files = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    for path in files[:40]:
        if path.suffix == ".py":
            compile(path.read_bytes(), str(path), "exec")
        elif path.suffix == ".json":
            json.loads(path.read_bytes())
        elif path.suffix in (".yml", ".yaml"):
            list(yaml.safe_load_all(path.read_text(encoding="utf-8")))


def _check_document(data: bytes, costly: tuple[str, ...], tally: Counter[str]) -> None:
    try:
        design = io.loads(data, DESIGN)
    except DesignLoadError as error:
        assert error.problems and all(p.path.startswith("$") for p in error.problems)
        design = None
    if design is not None:
        text = io.dumps(design)
        assert io.dumps(io.loads(text)) == text, "canonical text is not a fixed point"
    tally["accepted" if design is not None else "refused"] += 1
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / DESIGN).write_bytes(data)
        (folder / COPY).write_bytes(data)
        (folder / BASE).write_text(EXAMPLES["shop.msgflow.json"], encoding="utf-8")
        for args in (*ALWAYS, costly):
            code = _check_command(folder, args, data)
            tally["commands"] += 1
            if args[0] == "validate" and len(args) == 2:
                # The command line and the loader agree on what is a design.
                assert (code == 2) == (design is None), (code, design is None)
        # fmt rewrites only its own file (and its backup), canonically, once.
        before = _outside(folder)
        code, err = _run(folder, ("fmt", COPY))
        assert code == (2 if design is None else 0), (code, err)
        after = _outside(folder)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed <= {COPY, COPY + "~"}, changed
        if design is not None:
            assert _run(folder, ("fmt", "--check", COPY))[0] == 0
            assert (folder / COPY).read_text(encoding="utf-8") == io.dumps(design)
        else:
            assert (folder / COPY).read_bytes() == data


def test_every_command_survives_generated_and_mutated_documents() -> None:
    tally: Counter[str] = Counter()

    @settings(
        max_examples=BUDGET,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(documents(), st.sampled_from(COSTLY))
    def one(data: bytes, costly: tuple[str, ...]) -> None:
        tally["documents"] += 1
        _check_document(data, costly, tally)

    one()
    print(
        f"\nfuzz: {tally['documents']} documents tried ({tally['accepted']} loadable, "
        f"{tally['refused']} refused), {tally['commands']} commands run, failures 0"
    )
    assert tally["accepted"] > 0 and tally["refused"] > 0  # both paths were exercised
