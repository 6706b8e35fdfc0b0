"""Incremental validation: after an edit, re-check only the units the edit can affect.

The canvas calls `update` after every command with the document's `Change`s. Each changed
item is compared with the version the facts still hold; the facts are updated, and every
rule unit that depended on the old or the new version is re-run (see `_mark_*` for what
depends on what). The result always equals a full `validate()` of the current design:
`tests/core/rules/test_incremental.py` checks that over random edit sequences.

Diagnostics are kept sorted as they are handed out; an edit only removes the findings of
the re-run units, inserts the new ones, and — when an item was added or removed, which
shifts list indexes — rebuilds the JSON paths that moved.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .diagnostics import Diagnostic
from .gc_pause import collector_paused
from .model import Design, Flow, Message, Node, Transport
from .rules.engine import Engine, Finding, Scope
from .rules.facts import is_item_collection, pair_key
from .rules.name_reading import normalised

_ITEM_COLLECTIONS = ("nodes", "messages", "flows")
_COLLECTION_RANK = {"nodes": 1, "messages": 2, "flows": 3}


class ChangeLike(Protocol):
    """A `designer.core.document.Change` (collection, action, id)."""

    @property
    def collection(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def id(self) -> str | None: ...


@dataclass
class _Dirty:
    units: dict[Scope, set[str]] = field(
        default_factory=lambda: {
            "node": set(),
            "message": set(),
            "flow": set(),
            "name": set(),
            "pair": set(),
            "sync": set(),
        }
    )

    def flow(self, flow: Flow, *, sync: bool = True) -> None:
        """Mark what depends on `flow`; `sync=False` when only its neighbours' names or
        kinds of message changed, which the synchronous call graph does not depend on."""
        self.units["flow"].add(flow.id)
        self.units["message"].add(flow.message)
        if flow.caused_by is not None:
            self.units["message"].add(flow.caused_by)
        self.units["node"].update((flow.source, flow.target))
        self.units["pair"].add(pair_key(flow.source, flow.target))
        if sync and flow.transport is Transport.HTTP:
            self.units["sync"].add("")


class IncrementalValidator:
    """Diagnostics of a design being edited, kept equal to `validate(design)`."""

    def __init__(self, design: Design, baseline: Design | None = None) -> None:
        self._baseline = baseline
        self._rebuild(design)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self._output)

    # ------------------------------------------------------------------ full
    def _rebuild(self, design: Design) -> None:
        with collector_paused():
            self._build(design)

    def _build(self, design: Design) -> None:
        self._design = design
        self._engine = Engine(design, self._baseline)
        entries = [self._entry(f) for f in self._engine.findings()]
        entries.sort(key=_entry_key)
        self._entries: list[_Entry] = entries
        self._publish()

    def _entry(self, finding: Finding) -> _Entry:
        """A finding with its diagnostic, the list index its path names (-1: not an item)
        and whether it is visible (not suppressed)."""
        engine = self._engine
        collection, item_id, _ = finding.at
        order = engine.facts.order.get(collection) if is_item_collection(collection) else None
        index = order.index(item_id) if order is not None and item_id in order.key_of else -1
        visible = not (engine.suppressions and engine._suppressed(finding))
        return finding.sort_key, finding, engine.diagnostic(finding), index, visible

    def _publish(self) -> None:
        self._output = [e[2] for e in self._entries if e[4]]
        self._hidden = len(self._entries) - len(self._output)

    # ------------------------------------------------------------------ edits
    def update(self, design: Design, changes: Iterable[ChangeLike]) -> list[Diagnostic]:
        """Apply one command's changes; returns the new diagnostics (== validate(design))."""
        touched: dict[tuple[str, str], None] = {}
        for change in changes:
            if change.collection in ("layout", "arrows"):
                continue  # where things are drawn never matters to a rule
            # Any message may read a record, through other records too (breaking-change
            # follows them), so a schema edit re-checks everything.
            if change.collection in ("settings", "schemas") or design is not self._design:
                self._rebuild(design)
                return self.diagnostics
            if change.collection == "design":
                continue  # name and description: no rule reads them
            if change.id is None:
                self._rebuild(design)
                return self.diagnostics
            touched[(change.collection, change.id)] = None
        if not touched:
            return self.diagnostics
        with collector_paused():  # collections would cost more than the re-check
            self._apply(design, list(touched))
        return self.diagnostics

    def _apply(self, design: Design, touched: list[tuple[str, str]]) -> None:
        engine, facts = self._engine, self._engine.facts
        suppressions_changed = False
        current = _Lookup(design, touched)
        dirty = _Dirty()
        shifted: dict[str, tuple[list[Any], list[Any]]] = {}  # collection -> removed, added keys
        for collection, item_id in touched:
            held: dict[str, Any] = getattr(facts, collection)
            old, new = held.get(item_id), current.get(collection, item_id)
            if old is new:
                continue
            if (old is None) != (new is None) and is_item_collection(collection):
                # Added or removed: list indexes move.
                removed, added = shifted.setdefault(collection, ([], []))
                (removed if new is None else added).append(facts.key(collection, item_id))
            # The sync graph depends on node kinds and on http flows; names matter only to
            # the cycles and chains reported, so a rename elsewhere leaves it alone.
            sync = (
                collection == "flows"
                or (
                    collection == "nodes"
                    and getattr(old, "kind", None) != getattr(new, "kind", None)
                )
                or (collection, item_id) in self._sync_subjects()
            )
            if old is not None:
                self._mark(dirty, collection, old, sync=sync)
                getattr(facts, f"remove_{collection[:-1]}")(old)
            if new is not None:
                getattr(facts, f"add_{collection[:-1]}")(new)
                self._mark(dirty, collection, new, sync=sync)
            before, after = (old.suppress if old else []), (new.suppress if new else [])
            if before != after:
                suppressions_changed = True
                engine.note_suppressions(collection, item_id, after)

        gone: list[Finding] = []
        fresh: list[Finding] = []
        for scope, units in dirty.units.items():
            for unit in units:
                gone.extend(engine.results.get((scope, unit), ()))
                engine.run(scope, unit)
                fresh.extend(engine.results.get((scope, unit), ()))
        # While nothing is suppressed the output list mirrors the entries one to one, so
        # both are edited in place (a few list inserts) instead of being rebuilt.
        mirrored = self._hidden == 0 and not suppressions_changed
        entries, output = self._entries, self._output
        for finding in gone:
            position = bisect_left(entries, finding.sort_key, key=_entry_key)
            while entries[position][1] is not finding:
                position += 1
            del entries[position]
            if mirrored:
                del output[position]
        if shifted:
            self._repath(entries, shifted, output if mirrored else None)
        for finding in fresh:
            entry = self._entry(finding)
            position = bisect_right(entries, finding.sort_key, key=_entry_key)
            entries.insert(position, entry)
            if mirrored and entry[4]:
                output.insert(position, entry[2])
            else:
                mirrored = False
        if suppressions_changed:  # a suppression may hide or show findings anywhere
            entries[:] = [
                (key, finding, diagnostic, index, not engine._suppressed(finding))
                for key, finding, diagnostic, index, _ in entries
            ]
        if not mirrored:
            self._publish()

    def _sync_subjects(self) -> set[tuple[str, str]]:
        findings = self._engine.results.get(("sync", ""), ())
        return {subject for finding in findings for subject in finding.subjects}

    @staticmethod
    def _repath(
        entries: list[_Entry],
        shifted: dict[str, tuple[list[Any], list[Any]]],
        output: list[Diagnostic] | None,
    ) -> None:
        """Shift the JSON paths of diagnostics located after added or removed items.

        Entries are sorted by (severity, location), so the ones to shift are at most three
        contiguous runs per collection, found by bisection; each moves by the number of
        items added minus removed before it.
        """
        for collection, (removed, added) in shifted.items():
            rank = _COLLECTION_RANK[collection]
            removed.sort()
            added.sort()
            start = min(removed[:1] + added[:1])
            for severity in (0, 1, 2):
                low = bisect_left(entries, (severity, (rank, start)), key=_entry_key)
                high = bisect_left(entries, (severity, (rank + 1,)), key=_entry_key)
                for position in range(low, high):
                    sort_key, finding, diagnostic, index, visible = entries[position]
                    key = sort_key[1][1]
                    delta = bisect_left(added, key) - bisect_left(removed, key)
                    if delta:
                        index += delta
                        path = f"$.{collection}[{index}]{finding.at[2]}"
                        moved = Diagnostic(
                            finding.rule,
                            diagnostic.severity,
                            diagnostic.message,
                            diagnostic.hint,
                            diagnostic.subjects,
                            path,
                        )
                        entries[position] = (sort_key, finding, moved, index, visible)
                        if output is not None:
                            output[position] = moved

    def _mark(self, dirty: _Dirty, collection: str, item: Any, *, sync: bool = True) -> None:
        facts = self._engine.facts
        units = dirty.units
        if collection == "flows":
            dirty.flow(item)
        elif collection == "messages":
            message: Message = item
            units["message"].add(message.id)
            units["name"].add("m:" + normalised(message.name))
            for flow in (
                *facts.flows_of_message.get(message.id, {}).values(),
                *facts.flows_caused_by.get(message.id, {}).values(),
            ):
                dirty.flow(flow, sync=sync)
        elif collection == "nodes":
            node: Node = item
            units["node"].add(node.id)
            units["name"].add("n:" + normalised(node.name))
            for flow in facts.flows_of_node.get(node.id, {}).values():
                dirty.flow(flow, sync=sync)
            units["message"].update(facts.messages_owned_by.get(node.id, {}))


class _Lookup:
    """The current items of the touched ids; indexes built only for big batches."""

    def __init__(self, design: Design, touched: list[tuple[str, str]]) -> None:
        self._design = design
        counts = {c: sum(1 for t in touched if t[0] == c) for c in _ITEM_COLLECTIONS}
        self._index: dict[str, dict[str, Any]] = {
            c: {item.id: item for item in getattr(design, c)} for c, n in counts.items() if n > 3
        }

    def get(self, collection: str, item_id: str) -> Node | Message | Flow | None:
        index = self._index.get(collection)
        if index is not None:
            return index.get(item_id)
        for item in getattr(self._design, collection):
            if item.id == item_id:
                found: Node | Message | Flow = item
                return found
        return None


_Entry = tuple[tuple[Any, ...], Finding, Diagnostic, int, bool]


def _entry_key(entry: _Entry) -> tuple[Any, ...]:
    return entry[0]
