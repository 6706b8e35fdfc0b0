"""Read AsyncAPI documents (YAML or JSON) and follow their `$ref`s, with located errors.

Local references are resolved: `#/components/...` inside a document and relative files
(`common.yaml#/components/schemas/Money`) next to it. Remote references (http) are not
fetched: importing never touches the network. Every reference is checked up front, so a
dangling one is reported at the place it is written rather than half-way through mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from designer.core.errors import MsgflowError

MAX_SPEC_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SpecProblem:
    source: str
    path: str  # JSON path inside the document, or "line L column C" for syntax errors
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.path}: {self.message}"


class SpecLoadError(MsgflowError):
    """An AsyncAPI document cannot be read: bad syntax, not AsyncAPI, a dangling $ref."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def parse_text(text: str, source: str) -> Any:
    """YAML (a superset of JSON) parsed safely; syntax errors located by line and column."""
    if "\x00" in text:
        raise SpecLoadError([SpecProblem(source, "$", "contains NUL bytes (a binary file?)")])
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else "$"
        what = error.problem or error.context or "invalid YAML"
        raise SpecLoadError([SpecProblem(source, where, f"not valid YAML/JSON: {what}")]) from None
    except yaml.YAMLError as error:
        raise SpecLoadError([SpecProblem(source, "$", f"not valid YAML/JSON: {error}")]) from None
    except RecursionError:
        raise SpecLoadError([SpecProblem(source, "$", "nested too deeply")]) from None


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
        self.data: dict[str, Any] = data
        self.source = source
        self.base = base
        self.version = version
        self._files: dict[Path, Any] = {}
        self._check_refs()

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

    # ------------------------------------------------------------------ references

    def deref(self, node: Any, at: str = "$") -> tuple[Any, str | None]:
        """Follow `$ref`s from `node`: (the target, the last reference followed or None)."""
        last: str | None = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecLoadError([SpecProblem(self.source, at, f"$ref cycle through '{ref}'")])
            seen.add(ref)
            node, last = self._target(ref, at), ref
        return node, last

    def _target(self, ref: str, at: str) -> Any:
        file_part, _, pointer = ref.partition("#")
        if file_part.startswith(("http://", "https://")):
            raise SpecLoadError(
                [
                    SpecProblem(
                        self.source,
                        at,
                        f"remote $ref '{ref}' is not fetched (import works offline); copy it into the document",
                    )
                ]
            )
        document: Any = self.data
        if file_part:
            document = self._file(file_part, ref, at)
        node = document
        for raw in [p for p in pointer.split("/") if p][0:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise SpecLoadError(
                    [SpecProblem(self.source, at, f"$ref '{ref}' points to nothing (no '{part}')")]
                )
        return node

    def _file(self, name: str, ref: str, at: str) -> Any:
        if self.base is None:
            raise SpecLoadError(
                [
                    SpecProblem(
                        self.source,
                        at,
                        f"$ref '{ref}' names a file, but this document was not read from a folder",
                    )
                ]
            )
        path = (self.base / name).resolve()
        if path not in self._files:
            try:
                self._files[path] = read_file(path)
            except SpecLoadError as error:
                raise SpecLoadError(
                    [
                        SpecProblem(self.source, at, f"$ref '{ref}': {p.path}: {p.message}")
                        for p in error.problems
                    ]
                ) from None
        return self._files[path]

    def _check_refs(self) -> None:
        problems: list[SpecProblem] = []
        stack: list[tuple[Any, str]] = [(self.data, "$")]
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
                    try:
                        self.deref(node, at)
                    except SpecLoadError as error:
                        problems.extend(error.problems)
                for key, value in node.items():
                    if key != "$ref":
                        stack.append((value, f"{at}.{key}"))
            elif isinstance(node, list):
                stack.extend((value, f"{at}[{i}]") for i, value in enumerate(node))
        if problems:
            problems.sort(key=lambda p: p.path)
            raise SpecLoadError(problems)
