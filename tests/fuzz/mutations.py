"""Seeds nobody tuned the loader to, and the mutations a hostile or careless hand makes.

The design fuzz (documents.py) started from the four bundled examples. This module adds
material the fixes were not written against (issue #10: "a fix is done when the same
measurement, redone on material you did not tune to, comes out clean"):

- seeds: designs imported from the public AsyncAPI corpus (tests/data/asyncapi, every
  system the corpus tests import), synthetic designs of several sizes
  (designer/core/synthetic.py) and the examples;
- structural mutations of a seed's JSON: keys dropped, duplicated (as raw text) or
  retyped, ids swapped for dangling ones or for ids of the wrong kind, hostile names
  (`class`, `../../x`, `名前`, lone surrogates, NUL, very long), numbers past any float,
  past 64 bits, NaN, deep nesting, nulls and empty strings;
- serialisation accidents: a BOM, CRLF line ends, UTF-16, truncation, tabs;
- byte-level mutations of the serialised text.

Everything is driven by a `random.Random`, so a campaign can run for hours on plain seeds
(scripts can call `document(rng)`), and hypothesis can drive the same code through
`st.randoms()` in the bounded suite.
"""

from __future__ import annotations

import copy
import functools
import json
import random
from pathlib import Path
from typing import Any

from designer.core import io
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir

DATA = Path(__file__).resolve().parents[1] / "data" / "asyncapi"

# ---------------------------------------------------------------- seeds


def _is_asyncapi_document(file: Path) -> bool:
    import yaml  # the corpus is mostly YAML; only a seed needs it

    try:
        text = file.read_text(encoding="utf-8")
        loaded = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        return False
    return isinstance(loaded, dict) and "asyncapi" in loaded


@functools.cache
def asyncapi_systems() -> dict[str, tuple[Path, ...]]:
    """The corpus's systems, grouped as tests/core/importers/test_asyncapi_corpus.py does."""
    systems: dict[str, tuple[Path, ...]] = {}
    for version in ("spec-2.6", "spec-3.0"):
        for file in sorted((DATA / version).glob("*.yml")):
            systems[f"{version}/{file.stem}"] = (file,)
        systems[f"{version}/social-media"] = tuple(
            sorted((DATA / version / "social-media").glob("*/asyncapi.yaml"))
        )
        systems[f"{version}/rpc-client+server"] = tuple(sorted((DATA / version).glob("rpc-*.yml")))
    for source in sorted(p for p in (DATA / "public").iterdir() if p.is_dir()):
        for item in sorted(source.iterdir()):
            if item.is_file():
                if item.suffix in (".yaml", ".yml", ".json"):
                    systems[f"public/{source.name}/{item.stem}"] = (item,)
            else:
                systems[f"public/{source.name}/{item.name}"] = tuple(
                    f
                    for f in sorted(item.rglob("*"))
                    if f.suffix in (".yaml", ".yml", ".json") and _is_asyncapi_document(f)
                )
    return {name: files for name, files in systems.items() if files}


@functools.cache
def asyncapi_seed(system: str) -> str | None:
    """The canonical text of the design `msgflow import asyncapi` makes of a system
    (None when the importer refuses it, as it should for the deliberately broken ones)."""
    from designer.core.errors import DesignLoadError
    from designer.core.importers.asyncapi import import_asyncapi
    from designer.core.importers.spec_loading import Spec, SpecLoadError

    try:
        result = import_asyncapi([Spec.from_file(f) for f in asyncapi_systems()[system]])
    except (SpecLoadError, DesignLoadError):
        return None
    return io.dumps(result.design)


@functools.cache
def example_seeds() -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(Path(examples_dir()).glob("*.msgflow.json"))
    }


SYNTHETIC_SIZES = (1, 2, 3, 5, 8, 13, 30, 60, 120)


@functools.cache
def synthetic_seed(services: int, seed: int) -> str:
    return io.dumps(synthetic_design(services, seed=seed))


def seed_sources() -> tuple[str, ...]:
    return ("asyncapi", "synthetic", "example")


def seed(rng: random.Random, source: str, largest: int = 120) -> tuple[str, str]:
    """(a label naming the seed, its canonical text) drawn from one source (synthetic
    designs of at most `largest` services)."""
    if source == "asyncapi":
        systems = sorted(asyncapi_systems())
        for _ in range(8):  # a few systems are refused by design; draw again
            system = rng.choice(systems)
            text = asyncapi_seed(system)
            if text is not None:
                return f"asyncapi:{system}", text
        return "example:shop.msgflow.json", example_seeds()["shop.msgflow.json"]
    if source == "synthetic":
        size = rng.choice([s for s in SYNTHETIC_SIZES if s <= largest])
        number = rng.randrange(4)
        return f"synthetic:{size}/{number}", synthetic_seed(size, number)
    name = rng.choice(sorted(example_seeds()))
    return f"example:{name}", example_seeds()[name]


# ---------------------------------------------------------------- hostile values


class Raw:
    """JSON text put into the output as it is: what json.dumps cannot write."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Raw({self.text[:40]!r})"


class Pairs:
    """An object whose keys may repeat (a duplicate key, written as text)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


HOSTILE_TEXT = [
    "class", "def", "None", "import", "__init__", "self", "../../x", "..", "/etc/passwd",
    "a/b", "a\\b", "名前", "Ünïcödé", "😀", "\ud83d", "a\udc80b", "\udfff\ud800", "", " ",
    "\x00", "a\x00b", "\u202eevil", "\ufeff", "\r\n", "\n", "\t", "${HOME}", "{x}",
    "{{x}}", "{", "}", "'", '"', "`rm -rf`", "$(id)", "CON", "nul", "-", ".", "1abc",
    "a b", "a.b.c", "*", "#", "%s", "<script>", "]]>", "-->", "\x85", "\u2028",
    "x" * 300, "y" * 70_000,
]  # fmt: skip

HOSTILE_NUMBERS: list[Any] = [
    0, -1, 1, 2, 64, 65, 100_000, 100_001, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63,
    2**64, -(2**63) - 1, 10**30, 0.5, 0.999, 1.005, 2.675, -0.0, 1e-7, 1e-320, 1e16, 1e300,
    -1e300, 999_999_999.995, 1_000_000_000.0, 1_000_000_000.01,
    Raw("1e309"), Raw("-1e309"), Raw("NaN"), Raw("Infinity"), Raw("-Infinity"),
    Raw("9" * 400), Raw("-" + "9" * 5000), Raw("1.0e-400"), Raw("0.1e1"), Raw("1E2"),
]  # fmt: skip


def deep(depth: int, rng: random.Random) -> Raw:
    opener = rng.choice(["[", '{"a":'])
    closer = "]" if opener == "[" else "}"
    return Raw(opener * depth + "0" + closer * depth)


def hostile_value(rng: random.Random, ids: list[str]) -> Any:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(HOSTILE_TEXT)
    if roll < 0.5:
        return rng.choice(HOSTILE_NUMBERS)
    if roll < 0.6:
        return rng.choice([None, True, False, [], {}, [None], {"": None}, [[]]])
    if roll < 0.75:
        return rng.choice(ids) if ids else "x"
    if roll < 0.8:
        return deep(rng.choice([30, 63, 64, 65, 70, 400, 3000, 100_000]), rng)
    if roll < 0.85:
        return [rng.choice(ids) if ids else 0] * rng.choice([100, 1000, 20_000])
    if roll < 0.9:
        return {f"k{i}": i for i in range(rng.choice([50, 2000]))}
    return rng.choice([
        "service", "actor", "command", "query", "event", "http", "queue", "topic", "off",
        "error", "warning", "info", "orthogonal", "curved", "straight", "string", "integer",
        "list[string]", "map[string,integer]", "string | integer", "list[", "fanout",
        "quorum", "classic", "{id}", "a.{id}.b", "{x}{y}", "orders.{}.x",
    ])  # fmt: skip


# ---------------------------------------------------------------- structural mutation

# Keys whose values name other items: swapping them makes dangling or mistyped references.
REFERENCE_KEYS = ("id", "message", "from", "to", "owner", "caused_by", "one_of", "type")
KEYS = [
    "id", "name", "kind", "type", "fields", "response", "owner", "from", "to", "message",
    "transport", "caused_by", "timeout_ms", "channel", "parameters", "bindings", "amqp",
    "kafka", "partitions", "replicas", "key_field", "exchange_type", "suppress", "rule",
    "reason", "scatter_gather", "long_running", "one_of", "discriminator", "enum",
    "required", "version", "format", "layout", "nodes", "flows", "bends", "label", "route",
    "x", "y", "settings", "rules", "generate", "severity", "threshold", "vhost", "user",
    "password", "retention_ms", "replication", "kafka_principals", "queue_type",
    "response_one_of", "response_discriminator", "boundary", "description", "reply",
    "idempotent", "dead_letter", "durable", "exclusive", "auto_delete", "schemas",
]  # fmt: skip


def containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every container's path, outermost first."""
    found = [path] if isinstance(value, (dict, list)) else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += containers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += containers(item, (*path, index))
    return found


def at(value: Any, path: tuple[Any, ...]) -> Any:
    """The value at `path` (keys and indexes, outermost first)."""
    for part in path:
        value = value[part]
    return value


def _ids(raw: Any) -> list[str]:
    found: list[str] = []
    if isinstance(raw, dict):
        for section in ("nodes", "messages", "flows", "schemas"):
            items = raw.get(section)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    key = item.get("id", item.get("name"))
                    if isinstance(key, str):
                        found.append(key)
    return found


def _retype(value: Any, rng: random.Random) -> Any:
    options = [
        [value], {"value": value}, None, "", str(value), 0, 1.5, True,
        json.dumps(value, default=repr),
    ]  # fmt: skip
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        options.append(int(value))
    if isinstance(value, list) and value:
        options.append(value[0])
    if isinstance(value, dict) and value:
        options.append(list(value.values()))
    return rng.choice(options)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path] if path else []


def _same_type_leaf(raw: Any, rng: random.Random, ids: list[str]) -> bool:
    """Replace one leaf by a hostile value of its own type (a text by a hostile text or
    another item's id, a number by a hostile number): mistakes that get past the types,
    so the document still loads often and reaches every command."""
    leaves = _leaves(raw)
    if not leaves:
        return False
    path = rng.choice(leaves)
    parent, key = at(raw, path[:-1]), path[-1]
    value = parent[key]
    if isinstance(value, bool):
        parent[key] = not value
    elif isinstance(value, str):
        parent[key] = rng.choice(
            [rng.choice(HOSTILE_TEXT), rng.choice(ids) if ids else "x", value + value,
             value.upper(), value + rng.choice(HOSTILE_TEXT[:50])]
        )  # fmt: skip
    elif isinstance(value, (int, float)):
        parent[key] = rng.choice([*HOSTILE_NUMBERS, -value, value * 1000, value + 0.5])
    else:
        parent[key] = hostile_value(rng, ids)
    return True


NAME_KEYS = ("name", "boundary", "channel", "reply", "key_field", "discriminator", "rule")


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {(new if k == old else k): _renamed(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    if isinstance(value, str):
        if value == old:
            return new
        if old in value and "[" in value:  # a field type naming a record: list[Old]
            return value.replace(old, new)
    return value


def rename(raw: Any, rng: random.Random) -> Any:
    """An id or record name renamed everywhere it is used (references, layout keys, field
    types), or a name-like value replaced: the design stays consistent and usually loads,
    so a hostile name reaches validation, export and generation."""
    ids = _ids(raw)
    if ids and rng.random() < 0.6:
        return _renamed(raw, rng.choice(ids), rng.choice(HOSTILE_TEXT))
    named = [p for p in _leaves(raw) if p[-1] in NAME_KEYS and isinstance(at(raw, p), str)]
    if named:
        path = rng.choice(named)
        at(raw, path[:-1])[path[-1]] = rng.choice(HOSTILE_TEXT)
    return raw


def mutate_structure(raw: Any, rng: random.Random, steps: int) -> Any:
    """Apply `steps` structural edits to parsed JSON (in place where possible)."""
    ids = _ids(raw)
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.25:
            raw = rename(raw, rng)
            ids = _ids(raw)
            continue
        if roll < 0.65 and _same_type_leaf(raw, rng, ids):
            continue
        places = containers(raw)
        if not places:
            return hostile_value(rng, ids)
        path = rng.choice(places)
        target = at(raw, path)
        action = rng.choice(
            ["hostile", "hostile", "delete", "add", "retype", "swap-id", "duplicate",
             "rename-key", "duplicate-key", "empty", "null"]
        )  # fmt: skip
        if isinstance(target, dict):
            keys = list(target)
            key = rng.choice(keys) if keys else rng.choice(KEYS)
            if action == "delete" and keys:
                del target[key]
            elif action == "add" or not keys:
                target[rng.choice(KEYS + HOSTILE_TEXT[:20])] = hostile_value(rng, ids)
            elif action == "retype":
                target[key] = _retype(target[key], rng)
            elif action == "swap-id":
                refs = [k for k in keys if k in REFERENCE_KEYS] or keys
                choice = rng.choice(refs)
                target[choice] = rng.choice(
                    [*ids, "dangling", "", rng.choice(HOSTILE_TEXT)] if ids else ["dangling"]
                )
            elif action == "rename-key":
                target[rng.choice(KEYS + HOSTILE_TEXT[:20])] = target.pop(key)
            elif action == "duplicate-key":
                # Re-emit this object with one key twice (the second value differing).
                pairs = list(target.items())
                pairs.insert(rng.randrange(len(pairs) + 1), (key, hostile_value(rng, ids)))
                if path:
                    at(raw, path[:-1])[path[-1]] = Pairs(pairs)
                else:
                    return Pairs(pairs)
            elif action == "empty":
                target[key] = rng.choice(["", [], {}])
            elif action == "null":
                target[key] = None
            else:  # hostile, duplicate
                target[key] = hostile_value(rng, ids)
        else:
            if not target:
                target.append(hostile_value(rng, ids))
                continue
            index = rng.randrange(len(target))
            if action == "delete":
                del target[index]
            elif action == "duplicate":
                target.insert(index, copy.deepcopy(target[index]))
            elif action == "add":
                target.insert(index, hostile_value(rng, ids))
            elif action == "retype":
                target[index] = _retype(target[index], rng)
            elif action == "empty":
                target.clear()
            elif action == "null":
                target[index] = None
            else:
                target[index] = hostile_value(rng, ids)
    return raw


# ---------------------------------------------------------------- writing, then bytes


def write(value: Any, rng: random.Random) -> bytes:
    """JSON text of `value` with Raw and Pairs in place, in a randomly chosen dress:
    indented or not, ASCII-escaped or raw (lone surrogates then become invalid UTF-8),
    CRLF, a BOM, UTF-16, cut short."""
    ascii_only = rng.random() < 0.85
    indent = rng.choice([None, "  ", "\t", ""])

    def text(item: Any, level: int) -> str:
        pad = "" if indent is None else "\n" + indent * (level + 1)
        end = "" if indent is None else "\n" + indent * level
        if isinstance(item, Raw):
            return item.text
        if isinstance(item, (dict, Pairs)):
            pairs = item.pairs if isinstance(item, Pairs) else list(item.items())
            if not pairs:
                return "{}"
            inner = ("," + pad).join(
                json.dumps(str(k), ensure_ascii=ascii_only) + ": " + text(v, level + 1)
                for k, v in pairs
            )
            return "{" + pad + inner + end + "}"
        if isinstance(item, list):
            if not item:
                return "[]"
            return "[" + pad + ("," + pad).join(text(v, level + 1) for v in item) + end + "]"
        return json.dumps(item, ensure_ascii=ascii_only, default=str)  # YAML dates

    body = text(value, 0) + "\n"
    if rng.random() < 0.1:
        body = body.replace("\n", "\r\n")
    if rng.random() < 0.05:
        body = "\ufeff" + body
    if rng.random() < 0.03:
        data = body.encode(rng.choice(["utf-16", "utf-16-le", "utf-32"]), "surrogatepass")
    else:
        data = body.encode("utf-8", "surrogatepass")
    if rng.random() < 0.04:
        data = data[: rng.randrange(len(data) + 1)]
    return data


TOKENS = [
    b"{", b"}", b"[", b"]", b'"', b",", b":", b"0", b"-", b"\\", b"e999", b"\\ud83d",
    b"\xff", b"\xc3", b"\x00", b"\r\n", b"\xef\xbb\xbf", b"null", b"NaN", b"1e309",
    b'"x": 1,', b"\t", b" " * 50, b"9" * 40,
]  # fmt: skip


def mutate_bytes(data: bytes, rng: random.Random, steps: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(steps):
        if not buffer:
            buffer.extend(rng.choice(TOKENS))
            continue
        position = rng.randrange(len(buffer))
        action = rng.randrange(7)
        if action == 0:
            buffer[position] = rng.randrange(256)
        elif action == 1:
            del buffer[position : position + rng.choice([1, 1, 2, 8])]
        elif action == 2:
            buffer[position:position] = rng.choice(TOKENS)
        elif action == 3:  # a chunk repeated (an item or key twice, or half of one)
            size = rng.randrange(1, 200)
            buffer[position:position] = buffer[position : position + size]
        elif action == 4:  # a digit or a quote flipped next to where structure is
            if buffer[position : position + 1].isdigit():
                buffer[position] = rng.choice(b"0123456789.e-")
        elif action == 5:
            del buffer[position:]
        else:
            buffer[:0] = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b" ", b"\n"])
    return bytes(buffer)


def document(rng: random.Random, source: str, largest: int = 120) -> tuple[str, str, str, bytes]:
    """(seed label, mutation kind, seed text, mutated bytes) drawn from one seed source."""
    label, text = seed(rng, source, largest)
    roll = rng.random()
    if roll < 0.12:  # unchanged, or only re-dressed: the valid path must stay valid
        kind, data = "dress", write(json.loads(text), rng)
    elif roll < 0.75:
        raw = mutate_structure(json.loads(text), rng, rng.choice([1, 1, 1, 2, 3]))
        kind, data = "structure", write(raw, rng)
    elif roll < 0.9:
        kind, data = "bytes", mutate_bytes(text.encode("utf-8"), rng, rng.choice([1, 2, 4, 8]))
    else:
        raw = mutate_structure(json.loads(text), rng, rng.choice([1, 2]))
        kind = "structure+bytes"
        data = mutate_bytes(write(raw, rng), rng, rng.choice([1, 2]))
    return label, kind, text, data


# ---------------------------------------------------------------- AsyncAPI documents

# YAML's own hazards: an alias that contains itself, a billion-laughs expansion, a tag
# that names a Python object, a merge key, a document stream.
YAML_HAZARDS = [
    "x-loop: &loop [*loop]\n",
    "x-self: &self {a: *self}\n",
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "x-obj: !!python/object/apply:os.system ['true']\n",
    "<<: {asyncapi: 9.9.9}\n",
    "---\nasyncapi: 3.0.0\n",
    "x-deep: " + "[" * 3000 + "]" * 3000 + "\n",
    "\t\n",
    "x-date: 2024-01-01\n",
    "x-big: 1e309\n",
]


def spec_files(system: str) -> tuple[Path, dict[str, bytes]]:
    """A system's documents and every file they may refer to, relative to their folder."""
    files = asyncapi_systems()[system]
    if len(files) == 1 and not system.startswith("public/") and "social-media" not in system:
        return files[0].parent, {files[0].name: files[0].read_bytes()}
    root = Path(*Path(files[0]).parts[: len(Path(files[0]).parts) - 1])
    for file in files[1:]:
        while root not in file.parents:
            root = root.parent
    if "social-media" in system:
        root = files[0].parents[1]
    return root, {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    }


def spec_document(rng: random.Random) -> tuple[str, list[str], dict[str, bytes]]:
    """(system, its documents' relative names, every file with one of them mutated)."""
    import yaml

    system = rng.choice(sorted(asyncapi_systems()))
    root, files = spec_files(system)
    documents = [str(f.relative_to(root)) for f in asyncapi_systems()[system]]
    name = rng.choice(documents if rng.random() < 0.7 else sorted(files))
    data = files[name]
    roll = rng.random()
    if roll < 0.55:
        try:
            raw = json.loads(data) if name.endswith(".json") else yaml.safe_load(data)
        except (ValueError, yaml.YAMLError):
            raw = None
        if raw is not None:
            raw = mutate_structure(raw, rng, rng.choice([1, 1, 2, 3]))
            data = write(raw, rng)  # JSON is YAML too (YAML 1.2)
    elif roll < 0.75:
        hazard = rng.choice(YAML_HAZARDS).encode("utf-8")
        if name.endswith(".json"):
            data = hazard + data if rng.random() < 0.5 else data
        else:
            data = data + b"\n" + hazard if rng.random() < 0.7 else hazard + data
    else:
        data = mutate_bytes(data, rng, rng.choice([1, 2, 4]))
    files[name] = data
    return system, documents, files


def _extension_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every value under an `x-msgflow-...` key (msgflow's own round-trip data)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.startswith("x-msgflow"):
                found.append((*path, key))
            found += _extension_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _extension_paths(item, (*path, index))
    return found


def exported_spec_document(rng: random.Random) -> tuple[str, list[str], dict[str, bytes]]:
    """A seed design exported as AsyncAPI (with msgflow's `x-msgflow-...` round-trip keys),
    one of its documents mutated, to import back: the importer reads those keys as typed
    values (flows, timeouts, versions, nodes), so hostile ones must be refused or dropped."""
    import yaml

    from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi

    label, text = seed(rng, rng.choice(["example", "synthetic", "asyncapi"]), largest=13)
    documents = export_asyncapi(io.loads(text))
    names = [SYSTEM_FILE] if rng.random() < 0.5 else sorted(documents)[:-1] or [SYSTEM_FILE]
    name = rng.choice(names)
    # A copy: the exported documents share objects (a record's schema), and the others
    # are written as they were.
    raw = copy.deepcopy(documents[name])
    steps = rng.choice([1, 1, 2, 3])
    extensions = _extension_paths(raw)
    if extensions and rng.random() < 0.7:
        for _ in range(steps):
            path = rng.choice(extensions)
            parent = at(raw, path[:-1])
            if isinstance(parent, dict) and path[-1] in parent:
                value = parent[path[-1]]
                if isinstance(value, (dict, list)) and value and rng.random() < 0.6:
                    inner = _leaves(value)  # a value inside: a flow id, a node's field
                    if inner:
                        leaf = rng.choice(inner)
                        at(value, leaf[:-1])[leaf[-1]] = hostile_value(rng, [])
                        continue
                parent[path[-1]] = hostile_value(rng, [])
    else:
        raw = mutate_structure(raw, rng, steps)
    files = {
        n: (write(raw, rng) if n == name else yaml.safe_dump(d, sort_keys=False).encode())
        for n, d in documents.items()
    }
    return f"exported:{label}", names, files
