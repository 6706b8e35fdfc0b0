"""Reading message names: words, verbs and past participles, for the naming rules.

`HTTPRequestFailed`, `order_submitted`, `order-submitted` and `OrderSubmittedEvent`
all read the same: split into words (acronyms kept whole), drop words that only say
the kind (`Event`, `Command`) or a version (`V2`), then look the first and last words up
in the word lists of `words.py` instead of guessing with suffix patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .words import (
    AMBIGUOUS_PARTICIPLES,
    IMPERATIVE_VERBS,
    IRREGULAR_PARTICIPLES,
    KIND_SUFFIXES,
    MUTATING_VERBS,
    NOT_PARTICIPLES,
    PARTICLES,
    QUERY_VERBS,
    base_verb,
    participle,
)

# An acronym before a capitalised word (`HTTP` in `HTTPRequest`), a capitalised or lower
# word, a run of capitals, or digits.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
# Irregular forms identical to their base verb (`come`, `become`) read like `set`.
_SAME_AS_BASE = frozenset(p for p, base in IRREGULAR_PARTICIPLES.items() if p == base)
# `MarkAsPaid`, `SetStatusToShipped`: a participle after these is an object, not the verb.
_OBJECT_MARKERS = frozenset({"as", "to"})


def split_words(name: str) -> list[str]:
    """`HTTPRequestFailed` -> [HTTP, Request, Failed]; `order_submitted` -> [order, submitted]."""
    # Separators (`_`, `-`, `.`, spaces) match no word pattern, so findall skips them.
    return _WORD.findall(name)


def normalised(name: str) -> str:
    """The name as `name-conflict` compares it: case, `_`, `-` and spaces ignored."""
    return _SEPARATORS.sub("", name).lower()


def _core_words(name: str) -> list[str]:
    words = [w.lower() for w in split_words(name)]
    # `OrderSubmittedV2`, `OrderSubmitted2`: a version says nothing about tense.
    while len(words) > 1 and words[-1].isdigit():
        words.pop()
        if len(words) > 1 and words[-1] == "v":
            words.pop()
    while len(words) > 1 and words[-1] in KIND_SUFFIXES:
        words.pop()
    return words


def _is_participle(word: str, words: list[str]) -> bool:
    if word in NOT_PARTICIPLES:
        return False
    if word in AMBIGUOUS_PARTICIPLES or word in _SAME_AS_BASE:
        # `PriceSet` yes; `Reset`, `SetPrice`, `MarkAsRead` no.
        return len(words) >= 2 and words[0] not in IMPERATIVE_VERBS
    if word in IRREGULAR_PARTICIPLES:
        return True
    return len(word) > 3 and word.endswith("ed")


@dataclass(frozen=True)
class NameReading:
    """What a message name looks like grammatically."""

    words: tuple[str, ...]  # lower case, kind suffix and version dropped
    verb: str | None  # the imperative verb it starts with, if any
    past: str | None  # the past participle it ends with, if any

    @property
    def asks(self) -> bool:
        return self.verb in QUERY_VERBS

    @property
    def mutates(self) -> bool:
        return self.verb in MUTATING_VERBS


def read_name(name: str) -> NameReading:
    words = _core_words(name)
    if not words:
        return NameReading((), None, None)
    verb = words[0] if words[0] in IMPERATIVE_VERBS else None
    tail = list(words)
    while len(tail) > 1 and tail[-1] in PARTICLES:  # `OrderCheckedOut` -> `Checked`
        tail.pop()
    last = tail[-1]
    past: str | None = last if _is_participle(last, words) else None
    if past and verb and len(tail) >= 3 and tail[-2] in _OBJECT_MARKERS:
        past = None  # `MarkOrderAsShipped` is a command
    if past and len(words) == 1 and verb and last not in IRREGULAR_PARTICIPLES:
        past = None  # a lone verb ending in -ed is not plausible; keep the verb reading
    return NameReading(tuple(words), verb, past)


def _camel(words: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


def as_event_name(name: str) -> str | None:
    """A past-tense suggestion for a command-like name: `SubmitOrder` -> `OrderSubmitted`."""
    reading = read_name(name)
    if reading.verb is None or len(reading.words) < 2:
        return None
    return _camel([*reading.words[1:], participle(reading.verb)])


def as_command_name(name: str) -> str | None:
    """An imperative suggestion for an event-like name: `OrderSubmitted` -> `SubmitOrder`."""
    reading = read_name(name)
    if reading.past is None:
        return None
    base = base_verb(reading.past)
    words = list(reading.words)
    position = len(words) - 1 - words[::-1].index(reading.past)
    rest = words[:position] + words[position + 1 :]
    if base is None or not rest:
        return None
    return _camel([base, *rest])


def as_query_name(name: str) -> str:
    """`CreateOrderReport` -> `GetOrderReport`: the same subject asked as a question."""
    reading = read_name(name)
    rest = list(reading.words[1:]) if reading.verb else list(reading.words)
    return _camel(["get", *rest]) if rest else "GetSomething"
