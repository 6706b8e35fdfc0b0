"""The repository documents itself: docs/ exists, stays in step with the code, and
nothing cites a document that is not in the repository."""

from __future__ import annotations

import re
from pathlib import Path

from designer.core.observe.drift_rules import DRIFT_RULES
from designer.core.rules.catalogue import DOCS_END, DOCS_START, rules_reference
from designer.core.rules.engine import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Background notes engineers once read outside the repository; the code must not cite them.
GONE = (
    "messaging-rules.md",
    "contract.md",
    "canvas-performance.md",
    "seed-article",
    "shared/reference",
)
# A repository path as the README and docs cite it: `assets/examples/shop.msgflow.json`,
# `designer/core/layout_untangle.py`, `tests/data/asyncapi/`. A pattern such as
# `tests/e2e/test_observe_*.py` or `tests/test_<service>.py` (a generated project's file) is
# no citation of one file: the lookahead leaves it out.
CITED_PATH = re.compile(
    r"(?<![\w./-])((?:assets|benchmarks|designer|docs|templates|tests)/[\w./-]*[\w/])(?![\w./<*{-])"
)


def test_rules_page_lists_every_rule_as_the_registry_describes_it():
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    generated = text.split(DOCS_START, 1)[1].split(DOCS_END, 1)[0].strip()
    assert generated == rules_reference().strip(), (
        "docs/rules.md is stale: regenerate its rules section from rules_reference()"
    )
    for rule_id in REGISTRY:
        assert f"`{rule_id}`" in text


def _exists(cited: str) -> bool:
    # A module may be cited without its suffix (`designer/core/channels`).
    return any((ROOT / f"{cited}{suffix}").exists() for suffix in ("", ".py"))


def _tracked_text_files() -> list[Path]:
    files = []
    for folder in ("designer", "tests", "docs", "templates", "benchmarks", "assets"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".md", ".j2", ".json", ".txt", ".toml"} and path.is_file():
                files.append(path)
    return [*files, ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]


def test_no_file_cites_a_document_missing_from_the_repository():
    offenders = []
    for path in _tracked_text_files():
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(ROOT)}: {name}" for name in GONE if name in text]
        # Every docs/, benchmarks/ or assets/ path mentioned anywhere (code comments and
        # docstrings included) must exist: they are the repository's own files. The
        # program and its benchmarks cite tests/, designer/ and templates/ paths too;
        # tests and templates also name files of a generated project (tests/test_orders.py).
        product = path.is_relative_to(ROOT / "designer") or path.is_relative_to(ROOT / "benchmarks")
        for cited in CITED_PATH.findall(text):
            checked = product or cited.startswith(("docs/", "benchmarks/", "assets/"))
            if checked and not _exists(cited):
                offenders.append(f"{path.relative_to(ROOT)}: {cited}")
    assert offenders == []


def test_docs_link_to_each_other_with_working_relative_links():
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]*)?\)", page.read_text("utf-8")):
            assert (DOCS / target).is_file(), f"{page.name} links to missing {target}"


def test_the_readme_picture_shows_what_its_caption_says():
    # The caption promises one warning, async-request-timeout, on the GetCustomer arrow f6.
    from designer.core.io import load
    from designer.core.rules import validate

    design = load(DOCS / "screenshots" / "shop-with-a-warning.msgflow.json")
    found = [(d.rule, d.severity.value) for d in validate(design)]
    assert found == [("async-request-timeout", "warning")]
    assert "f6" in validate(design)[0].subjects
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--select f6 --screenshot assets/screenshot.png" in readme
    assert (ROOT / "assets" / "welcome.png").is_file()


def test_the_live_mode_picture_shows_what_its_caption_says():
    # The caption: 21 OrderCreated (1 bad), 5 AddLoyaltyPoints, 4 GetCustomer answered
    # (p95 42 ms), no LoyaltyPointsAdded, 3 undeclared OrderCancelled, in 10 s.
    from designer.core.io import load
    from designer.core.observe import replay_trace
    from designer.resources import examples_dir

    shop = load(examples_dir() / "shop.msgflow.json")
    observation, window = replay_trace(shop, DOCS / "screenshots" / "live-mode.trace.jsonl")
    report = observation.report(ended=window.ended)
    assert report.seconds == 10.0
    flows = {f.flow_id: (f.messages, f.violations) for f in report.flows}
    assert flows == {"f2": (21, 1), "f3": (21, 1), "f4": (5, 0), "f6": (4, 0), "f7": (0, 0)}
    f6 = report.flow("f6")
    assert f6 is not None and f6.replies == 4 and f6.latency_ms is not None
    assert f6.latency_ms["p95"] == 42.0
    assert [(s.messages, dict(s.types)) for s in report.undeclared] == [(3, {"OrderCancelled": 3})]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "21 OrderCreated" in readme and "(p95 42 ms)" in readme
    assert "--replay docs/screenshots/live-mode.trace.jsonl --focus --screenshot" in readme


def test_every_path_the_readme_and_docs_cite_is_in_the_repository():
    offenders = []
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for cited in CITED_PATH.findall(page.read_text(encoding="utf-8")):
            if not _exists(cited):
                offenders.append(f"{page.relative_to(ROOT)}: {cited}")
    assert offenders == []


def test_the_readme_drift_table_lists_every_drift_rule_with_its_severity():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| id | severity | when |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([\w-]+)` \| (\w+) \|", table, flags=re.MULTILINE)
    assert sorted(rows) == sorted((rule.id, rule.severity.value) for rule in DRIFT_RULES.values())
    # docs/rules.md says which rules it leaves to the README: it names them all.
    rules_page = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert [rule_id for rule_id in DRIFT_RULES if f"`{rule_id}`" not in rules_page] == []


# Import bookkeeping of the built-in templates and the manifest's identifiers: there for
# the built-in pack, not a promise to template authors.
UNDOCUMENTED_CONTEXT = {
    "contract_classes",
    "handler_imports",
    "contract_imports",
    "identifiers",
    "ports",
}


def test_the_readme_names_every_template_context_attribute():
    import dataclasses

    from designer.core import channels
    from designer.core.codegen import context

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing templates", 1)[1].split("Other targets plug in", 1)[0]
    named = set(re.findall(r"`(\w+)`", section))
    missing = [
        f"{cls.__name__}.{field.name}"
        for module in (context, channels)
        for cls in vars(module).values()
        if dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
        for field in dataclasses.fields(cls)
        if field.name not in named and field.name not in UNDOCUMENTED_CONTEXT
    ]
    assert missing == [], "README § Writing templates does not name these: " + ", ".join(missing)


def test_the_readme_names_every_template_helper():
    import jinja2

    from designer.core.codegen.environment import make_environment

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing templates", 1)[1].split("Other targets plug in", 1)[0]
    named = set(re.findall(r"`(\w+)[(`]", section))
    env, plain = make_environment(), jinja2.Environment()
    ours = [*(set(env.globals) - set(plain.globals)), *(set(env.filters) - set(plain.filters))]
    assert sorted(h for h in ours if h not in named) == []


def test_every_module_named_in_backquotes_exists():
    # `designer.core.observe` or `designer.core.rules.validate` (a module's function): the
    # module itself, or the one holding the name, is in the repository.
    def exists(dotted: str) -> bool:
        path = ROOT / dotted.replace(".", "/")
        if path.with_suffix(".py").is_file() or path.is_dir():
            return True
        holder = [path.parent.with_suffix(".py"), path.parent / "__init__.py"]
        return any(f.is_file() and path.name in f.read_text("utf-8") for f in holder)

    offenders = [
        f"{path.relative_to(ROOT)}: {dotted}"
        for path in _tracked_text_files()
        for dotted in re.findall(r"`(designer(?:\.\w+)+)", path.read_text("utf-8", "replace"))
        if not exists(dotted)
    ]
    assert offenders == []


def test_every_flag_in_the_readme_command_table_is_in_that_commands_help():
    import argparse

    from designer.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| command | does | exit code |", 1)[1].split("\n\n", 1)[0]
    commands = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ).choices
    missing = []
    for usage in re.findall(r"^\| `(msgflow [^`]+)`", table, flags=re.MULTILINE):
        words = usage.replace("[gui]", "gui").split()
        parser = commands[words[1]]
        if words[1] == "broker":  # `msgflow broker apply`: the flags are apply's
            parser = next(
                a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
            ).choices[words[2]]
        helped = parser.format_help()
        missing += [
            f"{usage}: {flag}" for flag in re.findall(r"--[\w-]+", usage) if flag not in helped
        ]
    assert len(commands) >= 10 and missing == []


def test_the_example_design_files_are_written_as_msgflow_writes_them():
    # Both pages say a design is one line per node, field and flow: their examples are so.
    from designer.core import io

    for page in (ROOT / "README.md", DOCS / "file-format.md"):
        blocks = re.findall(r"```json\n(.*?)```", page.read_text("utf-8"), flags=re.DOTALL)
        designs = [b for b in blocks if '"format": "msgflow"' in b]
        assert len(designs) == 1, page
        assert io.dumps(io.loads(designs[0])) == designs[0], page
