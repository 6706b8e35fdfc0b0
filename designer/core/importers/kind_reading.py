"""A message's kind from what an AsyncAPI document says about it, strongest signal first.

1. `x-msgflow-kind` (msgflow's own exports write it, so a round trip is exact);
2. the reply structure (a request with a described reply is a query);
3. the message's name, then its operations' names, read by the naming rules' own reader
   (`rules/name_reading.py`: `TurnOn` is a command, `LightMeasured` an event,
   `RetrieveOrder` a query) so import and validation never disagree;
4. the words of its descriptions ("Command a particular streetlight...");
5. a default: an event (AsyncAPI is mostly used for events).

Only the first two are facts; every other answer is a guess, returned with its reason so
the import report has one line per guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from designer.core.model import MessageKind
from designer.core.rules.name_reading import read_name

# Operation names say what the application does with the message (`sendUserSignedUp`,
# `onLightMeasured`, `receiveLightMeasurement`): those words say nothing about the message.
_ACTION_WORDS = frozenset(
    {"send", "receive", "publish", "subscribe", "on", "handle", "consume", "emit", "get"}
)
_WORDS = re.compile(r"[A-Za-z]+")
# Words of a description that say the kind outright, as people write them.
_DESCRIPTION_WORDS: tuple[tuple[MessageKind, frozenset[str]], ...] = (
    (MessageKind.COMMAND, frozenset({"command", "commands", "instruct", "instructs"})),
    (MessageKind.QUERY, frozenset({"ask", "asks", "query", "request", "requests"})),
    (
        MessageKind.EVENT,
        frozenset({"event", "events", "notify", "notifies", "notification", "inform", "informs"}),
    ),
)


@dataclass(frozen=True)
class KindReading:
    kind: MessageKind
    reason: str | None  # None: stated by the document; else why it was guessed


def kind_from_name(name: str) -> tuple[MessageKind, str] | None:
    """The kind a name reads as, with the reason, or None when it says nothing."""
    reading = read_name(name)
    if reading.asks:
        return MessageKind.QUERY, f"'{name}' starts with the question verb '{reading.verb}'"
    if reading.past is not None:
        return MessageKind.EVENT, f"'{name}' ends with the past participle '{reading.past}'"
    if reading.verb is not None:
        return MessageKind.COMMAND, f"'{name}' starts with the imperative verb '{reading.verb}'"
    return None


def _operation_name(name: str) -> str:
    """`sendUserSignedUp` -> `UserSignedUp`: the application's own verb dropped."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    while len(words) > 1 and words[0].lower() in _ACTION_WORDS:
        words.pop(0)
    return "".join(w[:1].upper() + w[1:] for w in words)


def _from_description(text: str) -> tuple[MessageKind, str] | None:
    # Only the opening words: "Command a streetlight..." says what the message is, where
    # "...sent in response to a request" further on does not.
    for word in [w.lower() for w in _WORDS.findall(text)][:3]:
        for kind, markers in _DESCRIPTION_WORDS:
            if word in markers:
                return kind, f"its description opens with '{word}'"
    return None


def read_kind(
    *,
    explicit: str | None,
    has_reply: bool,
    name: str,
    operation_names: Iterable[str],
    descriptions: Iterable[str | None],
) -> KindReading:
    if explicit in ("command", "query", "event"):
        return KindReading(MessageKind(explicit), None)
    if has_reply:
        return KindReading(MessageKind.QUERY, None)
    found = kind_from_name(name)
    if found is not None:
        return KindReading(found[0], f"named so: {found[1]}")
    for operation in operation_names:
        stem = _operation_name(operation)
        found = kind_from_name(stem) if stem else None
        if found is not None:
            return KindReading(found[0], f"its operation '{operation}' reads so: {found[1]}")
    for text in descriptions:
        found = _from_description(text) if text else None
        if found is not None:
            return KindReading(*found)
    return KindReading(
        MessageKind.EVENT,
        f"neither '{name}', its operations nor its description say a kind: an event by default",
    )
