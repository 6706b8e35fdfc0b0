"""What `broker apply` did (or would do) to each broker object, and how to say it."""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.core.errors import one_line

# Actions, in the order a reader cares about them.
CONFLICT = "conflict"
ERROR = "error"
CREATED = "created"
UPDATED = "updated"
ENSURED = "ensured"
UNCHANGED = "unchanged"
WOULD_CREATE = "would create"
WOULD_UPDATE = "would update"
WOULD_ENSURE = "would ensure"
EXISTS = "exists"
# Exists and works as designed, but some tuning differs (kept, never replaced).
DIFFERS = "differs"

CHANGES = (CREATED, UPDATED, WOULD_CREATE, WOULD_UPDATE)
FAILURES = (CONFLICT, ERROR)


@dataclass(frozen=True)
class Outcome:
    kind: str  # "exchange" | "queue" | "binding" | "stream" | "consumer" | "broker"
    name: str
    action: str
    detail: str = ""

    def line(self) -> str:
        text = f"{self.action:>13}  {self.kind} {self.name}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass
class ApplyReport:
    broker: str  # "rabbitmq" | "nats"
    target: str  # where (URL without password)
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, name: str, action: str, detail: str = "") -> Outcome:
        outcome = Outcome(kind, name, action, detail)
        self.outcomes.append(outcome)
        return outcome

    def count(self, *actions: str) -> int:
        return sum(1 for o in self.outcomes if o.action in actions)

    @property
    def failed(self) -> bool:
        return self.count(*FAILURES) > 0

    @property
    def changed(self) -> bool:
        return self.count(*CHANGES) > 0

    def summary(self) -> str:
        if self.failed:
            counts = [(self.count(CONFLICT), "conflict"), (self.count(ERROR), "error")]
            found = ", ".join(f"{n} {word}{'s' if n > 1 else ''}" for n, word in counts if n)
            return f"failed on {self.target}: {found}; existing objects were left as they are"
        verb = "would change" if self.dry_run else "changed"
        differs = self.count(DIFFERS)
        kept = f"; {differs} differ in tuning only and were kept as they are" if differs else ""
        if not self.changed:
            return (
                f"no changes: {self.target} already has everything the design declares "
                f"({len(self.outcomes)} objects checked{kept})"
            )
        changed = self.count(*CHANGES)
        return f"{verb} {changed} of {len(self.outcomes)} objects on {self.target}{kept}"

    def text(self) -> str:
        lines = [o.line() for o in self.outcomes]
        lines += [f"note: {n}" for n in self.notes]
        lines.append(self.summary())
        return "\n".join(one_line(line) for line in lines)  # names may hold a newline
