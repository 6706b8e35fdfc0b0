"""Read AsyncAPI documents (YAML or JSON) and follow their `$ref`s, with located errors.

Every `$ref` is resolved against the document that holds it (RFC 3986, as JSON Reference
says), with the `referencing` library: `./schemas.yaml#/X` written inside
`common/messages.yaml` means `common/schemas.yaml`, however the root document reached it.
Remote references (http, https) are never fetched: importing never touches the network;
they are listed in `Spec.unfollowed` and the item that uses one keeps what is known.
Every reference is checked up front (following into each file it reaches), so a dangling
one or a cycle is reported at the place it is written rather than half-way through mapping.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

import yaml
from referencing import Registry, Resource
from referencing.exceptions import PointerToNowhere, Unresolvable

from designer.core.errors import MsgflowError, json_path, one_line

from .extension_shapes import extension_problems
from .schema_shapes import check_schemas

MAX_SPEC_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SpecProblem:
    source: str
    path: str  # JSON path inside the document, or "line L column C" for syntax errors
    message: str

    def __str__(self) -> str:
        # A key or a $ref may hold a newline (or U+2028): one problem stays one line.
        return one_line(f"{self.source}: {self.path}: {self.message}")


class SpecLoadError(MsgflowError):
    """An AsyncAPI document cannot be read: bad syntax, not AsyncAPI, a dangling $ref."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class _Yaml12Booleans(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's booleans: only `true` and `false`.

    AsyncAPI's own tools read YAML 1.2, where `enum: [on, off]` lists two strings; YAML
    1.1 (PyYAML's default) would make them `True` and `False`, and a string field's values
    would be lost."""


_Yaml12Booleans.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Booleans.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_text(text: str, source: str) -> Any:
    """YAML (a superset of JSON) parsed safely, with YAML 1.2's booleans; syntax errors
    located by line and column."""
    if "\x00" in text:
        raise SpecLoadError([SpecProblem(source, "$", "contains NUL bytes (a binary file?)")])
    if text.lstrip().startswith("{"):
        # JSON read as JSON first: YAML refuses the tab indentation JSON allows (the
        # ts-nats-template's examples are indented so); YAML's reading locates errors.
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            pass
        else:
            _refuse_too_deep(data, source)
            _refuse_surrogates(data, text, source)
            _refuse_misshapen_extensions(data, source)
            return data
    try:
        data = yaml.load(text, Loader=_Yaml12Booleans)  # a SafeLoader: plain data only
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else "$"
        what = error.problem or error.context or "invalid YAML"
        raise SpecLoadError([SpecProblem(source, where, f"not valid YAML/JSON: {what}")]) from None
    except yaml.YAMLError as error:
        raise SpecLoadError([SpecProblem(source, "$", f"not valid YAML/JSON: {error}")]) from None
    except RecursionError:
        raise SpecLoadError([SpecProblem(source, "$", "nested too deeply")]) from None
    except ValueError as error:
        # What PyYAML's constructors raise past its syntax checks: an integer of over 4,300
        # digits (Python's conversion limit), a date like 2024-13-45.
        what = str(error)
        if "integer string conversion" in what:
            what = "a number too long to read (over 4,300 digits)"
        raise SpecLoadError([SpecProblem(source, "$", f"not valid YAML/JSON: {what}")]) from None
    _refuse_too_deep(data, source)
    _refuse_surrogates(data, text, source)
    _refuse_misshapen_extensions(data, source)
    return data


# Far deeper than any AsyncAPI document (public ones nest under 30 levels), and shallow
# enough that whatever reads a value recursively (a `str()` of an enum value, the schema
# reading) stays far from Python's recursion limit. JSON's reader takes ~1,000 levels.
MAX_DOCUMENT_DEPTH = 200


def _refuse_too_deep(data: Any, source: str) -> None:
    """Refuse a document nested deeper than MAX_DOCUMENT_DEPTH, at the first spot that is.
    Iterative, and each container once: YAML aliases can make a tree that contains itself.
    Depths alone first (cheap); the path is worked out only for a document that is too deep."""
    seen: set[int] = set()
    depths: list[tuple[Any, int]] = [(data, 0)]
    while depths:
        value, depth = depths.pop()
        if not isinstance(value, (dict, list)) or id(value) in seen:
            continue
        seen.add(id(value))
        if depth >= MAX_DOCUMENT_DEPTH:
            break
        depths.extend(
            (item, depth + 1) for item in (value.values() if isinstance(value, dict) else value)
        )
    else:
        return
    seen.clear()
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, parts = stack.pop()
        if not isinstance(value, (dict, list)) or id(value) in seen:
            continue
        seen.add(id(value))
        if len(parts) >= MAX_DOCUMENT_DEPTH:
            raise SpecLoadError(
                [
                    SpecProblem(
                        source,
                        json_path(parts[:MAX_DOCUMENT_DEPTH]),
                        f"nested more than {MAX_DOCUMENT_DEPTH} levels deep: too deep to read",
                    )
                ]
            )
        if isinstance(value, dict):
            stack.extend((item, (*parts, str(key))) for key, item in value.items())
        else:
            stack.extend((item, (*parts, index)) for index, item in enumerate(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(data: Any, text: str, source: str) -> None:
    """A lone surrogate (`"\\ud83d"` in JSON or YAML) is no Unicode text: every name
    made of it would fail to encode (a slug's hash, the saved design). Refused here, at
    its path, like the design loader does (json_limits)."""
    if text.isascii() and "\\u" not in text and "\\U" not in text:
        return
    found = _first_surrogate(data)
    if found is not None:
        raise SpecLoadError(
            [
                SpecProblem(
                    source, found, "holds a lone surrogate (\\ud800-\\udfff), not Unicode text"
                )
            ]
        )


def _refuse_misshapen_extensions(data: Any, source: str) -> None:
    """msgflow's own `x-msgflow-...` keys hold what its export wrote, or the document is
    refused where one does not (extension_shapes.py)."""
    problems = [SpecProblem(source, path, message) for path, message in extension_problems(data)]
    if problems:
        raise SpecLoadError(problems[:20])


def _first_surrogate(data: Any) -> str | None:
    """The path of the first string (or key) holding a lone surrogate. Iterative, and
    each container once: YAML aliases can make a tree that contains itself."""
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path
        elif isinstance(value, (dict, list)) and id(value) not in seen:
            seen.add(id(value))
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, str) and _SURROGATE.search(key):
                        return path
                    stack.append((item, f"{path}.{key}"))
            else:
                stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    return None


# The parts of a document the importer walks as mappings (AsyncAPI 2.x and 3.0 say each is
# an object) and the words it reads as text. Anything else is refused up front, at its
# place, rather than failing half-way through mapping (a `channels: x` used to crash).
_MAPPINGS = ("info", "channels", "operations", "components", "servers")
_COMPONENT_MAPPINGS = (
    "schemas", "messages", "channels", "operations", "parameters", "servers",
    "messageTraits", "operationTraits", "replies", "replyAddresses", "correlationIds",
)  # fmt: skip
_INFO_TEXTS = ("title", "version", "description", "x-service", "x-msgflow-boundary")


def _refuse_misshapen(data: dict[str, Any], source: str) -> None:
    problems: list[SpecProblem] = []
    for key in _MAPPINGS:
        if data.get(key) is not None and not isinstance(data[key], dict):
            problems.append(SpecProblem(source, f"$.{key}", _not_a("a mapping", data[key])))
    components = data.get("components")
    for key in _COMPONENT_MAPPINGS:
        if not isinstance(components, dict):
            break
        value = components.get(key)
        if value is not None and not isinstance(value, dict):
            problems.append(SpecProblem(source, f"$.components.{key}", _not_a("a mapping", value)))
    info = data.get("info")
    for key in _INFO_TEXTS:
        if not isinstance(info, dict):
            break
        value = info.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append(SpecProblem(source, f"$.info.{key}", _not_a("text", value)))
    if problems:
        raise SpecLoadError(problems)


def _not_a(wanted: str, value: Any) -> str:
    found = "a list" if isinstance(value, list) else type(value).__name__
    if isinstance(value, dict):
        found = "a mapping"
    return f"should be {wanted}, found {found}"


def text_of(value: Any) -> str | None:
    """A description, summary or title as text; None for anything else a hand-edited
    document may hold there (a number, a list): words the design cannot keep."""
    return value if isinstance(value, str) and value else None


def read_file(path: Path) -> Any:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecLoadError(
                [
                    SpecProblem(
                        source,
                        "$",
                        f"file is {size // 2**20} MB; too large for an AsyncAPI document",
                    )
                ]
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)  # bounded: a pipe or device has no size
        if len(data) > MAX_SPEC_BYTES:
            raise SpecLoadError([SpecProblem(source, "$", "too large for an AsyncAPI document")])
    except FileNotFoundError:
        raise SpecLoadError([SpecProblem(source, "$", "no such file")]) from None
    except IsADirectoryError:
        raise SpecLoadError([SpecProblem(source, "$", "is a folder, not a document")]) from None
    except OSError as error:
        raise SpecLoadError([SpecProblem(source, "$", f"cannot read: {error.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpecLoadError(
            [SpecProblem(source, "$", f"not UTF-8 text: bad byte at offset {error.start}")]
        ) from None
    return parse_text(text, source)


REMOTE_SCHEMES = ("http://", "https://")
_MEMORY_URI = "memory:spec"  # the base of a document read from text: no folder to look in
_NOWHERE = object()  # what a JSON pointer that names nothing finds


class _Unreadable(Exception):
    """A referenced file that cannot be read; carries the loader's problems."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        super().__init__(problems)
        self.problems = problems


class Spec:
    """One AsyncAPI document and the local files it references."""

    def __init__(self, data: Any, source: str, base: Path | None = None) -> None:
        if not isinstance(data, dict):
            raise SpecLoadError(
                [SpecProblem(source, "$", "expected an AsyncAPI document (a mapping at the top)")]
            )
        if data.get("format") == "msgflow":
            raise SpecLoadError(
                [SpecProblem(source, "$.format", "a msgflow design, not an AsyncAPI document")]
            )
        version = str(data.get("asyncapi", ""))
        if not (version.startswith("2.") or version.startswith("3.")):
            found = f"'asyncapi: {version}'" if version else "no 'asyncapi' version key"
            raise SpecLoadError(
                [SpecProblem(source, "$.asyncapi", f"not an AsyncAPI 2.x/3.x document ({found})")]
            )
        _refuse_misshapen(data, source)
        self.data: dict[str, Any] = data
        self.source = source
        self.base = base
        self.version = version
        # The root's URI: a file's own (so relative references find its neighbours), or a
        # name no relative reference can join onto when the text came from elsewhere.
        self.uri = (base / Path(source).name).as_uri() if base is not None else _MEMORY_URI
        self._documents: dict[str, Any] = {self.uri: data}
        self._sources: dict[str, str] = {self.uri: source}
        self._base_of: dict[int, str] = {}
        self._crossing: set[tuple[str, str]] = set()  # pointers followed through $refs now
        self._register(data, self.uri)
        # referencing's Registry is an attrs class whose `retrieve` keyword mypy does not see.
        self._registry: Registry[Any] = Registry(retrieve=self._retrieve).with_resource(  # type: ignore[call-arg]
            self.uri, Resource.opaque(data)
        )
        self.unfollowed: list[SpecProblem] = []  # remote references, reported not fetched
        self._check_refs()
        # Schema keywords of the wrong shape, left out (schema_shapes.py): reported.
        self.schema_notes: list[SpecProblem] = []
        self._check_schemas()

    @classmethod
    def from_file(cls, path: str | Path) -> Spec:
        file = Path(path)
        return cls(read_file(file), str(path), file.resolve().parent)

    @classmethod
    def from_text(cls, text: str, source: str = "<spec>") -> Spec:
        return cls(parse_text(text, source), source)

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])

    @property
    def files(self) -> list[str]:
        """Every document read for this one: the root first, then referenced files."""
        return list(self._sources.values())

    def _check_schemas(self) -> None:
        refused: list[SpecProblem] = []
        for finding in check_schemas(self):
            problem = SpecProblem(finding.source, finding.path, finding.message)
            (refused if finding.refused else self.schema_notes).append(problem)
        if refused:
            raise SpecLoadError(refused)

    # ------------------------------------------------------------------ references

    def source_of(self, node: Any) -> str:
        """The name of the document `node` was read from, as problems name it."""
        return self._source_of(self.document_of(node))

    def document_of(self, node: Any) -> str:
        """The URI of the document `node` was read from (the root's when unknown)."""
        return self._base_of.get(id(node), self.uri)

    def deref(self, node: Any, at: str = "$") -> tuple[Any, str | None]:
        """Follow `$ref`s from `node`: (the target, the last reference followed or None).

        A remote reference gives an empty mapping: what it names is not known here."""
        last: str | None = None
        base = self.document_of(node)
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            absolute = self._join(base, ref, at)
            if absolute in seen:
                raise SpecLoadError(
                    [SpecProblem(self._source_of(base), at, f"$ref cycle through '{ref}'")]
                )
            seen.add(absolute)
            if absolute.startswith(REMOTE_SCHEMES):
                return {}, ref
            node = self._lookup(base, ref, at)
            base, last = urldefrag(absolute)[0] or base, ref
            if isinstance(node, (dict, list)):  # reached through another file's reference
                base = self.document_of(node)
        return node, last

    def _join(self, base: str, ref: str, at: str) -> str:
        """The reference's absolute URI, against the document holding it."""
        if ref.startswith("#"):
            return base + ref
        try:
            return urljoin(base, ref)
        except ValueError as error:  # `http://[::1`: not a URI at all
            raise SpecLoadError(
                [
                    SpecProblem(
                        self._source_of(base), at, f"$ref '{ref}' is not a valid reference: {error}"
                    )
                ]
            ) from None

    def _source_of(self, uri: str) -> str:
        return self._sources.get(uri, uri)

    def _lookup(self, base: str, ref: str, at: str) -> Any:
        source = self._source_of(base)
        try:
            return self._registry.resolver(base).lookup(ref).contents
        except PointerToNowhere:
            found = self._lookup_through_refs(base, ref, at)
            if found is _NOWHERE:
                raise SpecLoadError(
                    [SpecProblem(source, at, f"$ref '{ref}' points to nothing")]
                ) from None
            return found
        except Unresolvable as error:
            cause = error.__cause__.__cause__ if error.__cause__ else None
            if isinstance(cause, _Unreadable):
                raise SpecLoadError(
                    [
                        SpecProblem(source, at, f"$ref '{ref}': {p.path}: {p.message}")
                        for p in cause.problems
                    ]
                ) from None
            raise SpecLoadError(
                [SpecProblem(source, at, f"$ref '{ref}' cannot be resolved")]
            ) from None
        except (ValueError, TypeError, IndexError):  # a list index that is not a number
            raise SpecLoadError(
                [SpecProblem(source, at, f"$ref '{ref}' points to nothing")]
            ) from None

    def _lookup_through_refs(self, base: str, ref: str, at: str) -> Any:
        """A pointer whose path crosses a `$ref`, as the official parser reads it.

        `#/channels/echo/messages/timestamp`, where `channels.echo` is itself a reference
        to `./commons/channels.yml#/channels/echo`, continues in what that reference names
        (generator's Hoppscotch fixtures are written so). Gives _NOWHERE when no such path
        exists either way; a pointer whose path crosses a reference back to itself
        (`S: {$ref: '#/S/allOf/0'}`) names nothing either."""
        key = (base, ref)
        if key in self._crossing:
            return _NOWHERE
        self._crossing.add(key)
        try:
            return self._follow_through_refs(base, ref, at)
        finally:
            self._crossing.discard(key)

    def _follow_through_refs(self, base: str, ref: str, at: str) -> Any:
        document, fragment = urldefrag(self._join(base, ref, at))
        node = self._registry.resolver(base).lookup(document or base).contents
        for raw in fragment.split("/")[1:] if fragment.startswith("/") else []:
            node, _ = self.deref(node, at)
            key = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return _NOWHERE
        return node

    def _retrieve(self, uri: str) -> Resource[Any]:
        if uri not in self._documents:
            if not uri.startswith("file:"):
                raise _Unreadable(
                    [
                        SpecProblem(
                            uri, "$", "names a file, but this document was not read from a folder"
                        )
                    ]
                )
            path = Path(url2pathname(urlsplit(uri).path))
            if path.exists() and not (path.is_file() or path.is_dir()):
                # A device or a pipe (`/dev/stdin`) would block or never end.
                raise _Unreadable([SpecProblem(str(path), "$", "not a regular file")])
            try:
                data = read_file(path)
            except SpecLoadError as error:
                raise _Unreadable(error.problems) from None
            self._documents[uri] = data
            self._sources[uri] = _relative(path, self.base)
            self._register(data, uri)
        return Resource.opaque(self._documents[uri])

    def _register(self, data: Any, uri: str) -> None:
        """Remember which document each mapping and list came from (walked once each)."""
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, (dict, list)) and id(node) not in self._base_of:
                self._base_of[id(node)] = uri
                stack.extend(node.values() if isinstance(node, dict) else node)

    def _check_refs(self) -> None:
        problems: list[SpecProblem] = []
        stack: list[tuple[Any, str]] = [(self.data, "$")]
        walked_documents = {self.uri}
        # YAML anchors make one object appear many times (or inside itself): each is
        # walked once, so an alias bomb or a self-containing alias cannot hang the import.
        seen: set[int] = set()
        while stack:
            node, at = stack.pop()
            if isinstance(node, (dict, list)):
                if id(node) in seen:
                    continue
                seen.add(id(node))
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    base = self.document_of(node)
                    try:
                        remote = self._join(base, ref, at).startswith(REMOTE_SCHEMES)
                    except SpecLoadError as error:
                        problems.extend(error.problems)
                        continue
                    if remote:
                        self.unfollowed.append(
                            SpecProblem(
                                self._source_of(base),
                                at,
                                f"remote $ref '{ref}' not followed (import works offline): what it names is not imported",
                            )
                        )
                        continue
                    try:
                        self.deref(node, at)
                    except SpecLoadError as error:
                        problems.extend(error.problems)
                    for uri, document in list(self._documents.items()):
                        if uri not in walked_documents:  # a file reached for the first time
                            walked_documents.add(uri)
                            stack.append((document, "$"))
                for key, value in node.items():
                    if key != "$ref":
                        stack.append((value, f"{at}.{key}"))
            elif isinstance(node, list):
                stack.extend((value, f"{at}[{i}]") for i, value in enumerate(node))
        if problems:
            problems.sort(key=lambda p: (p.source, p.path))
            raise SpecLoadError(problems)
        self.unfollowed.sort(key=lambda p: (p.source, p.path))


def _relative(path: Path, base: Path | None) -> str:
    """A referenced file named as the user would: relative to the root document's folder."""
    if base is not None:
        try:
            return os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            pass
    return str(path)
