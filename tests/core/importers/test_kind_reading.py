"""Kinds come from the document's own signals, read with the naming rules' reader."""

from __future__ import annotations

import pytest

from designer.core.importers.kind_reading import read_kind
from designer.core.model import MessageKind


def _kind(
    name: str, operations: tuple[str, ...] = (), description: str | None = None
) -> tuple[MessageKind, str | None]:
    reading = read_kind(
        explicit=None,
        has_reply=False,
        name=name,
        operation_names=operations,
        descriptions=[description],
    )
    return reading.kind, reading.reason


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("RetrieveOrder", MessageKind.QUERY),
        ("ResetPassword", MessageKind.COMMAND),
        ("ApplyDiscount", MessageKind.COMMAND),
        ("likeComment", MessageKind.COMMAND),
        ("dimLight", MessageKind.COMMAND),
        ("UserSignedUp", MessageKind.EVENT),
        ("lightMeasured", MessageKind.EVENT),
    ],
)
def test_names_read_as_the_naming_rules_read_them(name: str, kind: MessageKind) -> None:
    found, reason = _kind(name)
    assert found is kind
    assert reason is not None and name in reason  # a guess, with its reason


def test_an_operation_name_speaks_when_the_message_name_does_not() -> None:
    kind, reason = _kind("payload", ("onLightMeasured",))
    assert kind is MessageKind.EVENT and reason is not None and "onLightMeasured" in reason


def test_a_description_opening_with_command_makes_a_command() -> None:
    kind, reason = _kind("streetlightOnOff", (), "Command a particular streetlight to turn on.")
    assert kind is MessageKind.COMMAND and reason == "its description opens with 'command'"


def test_a_name_that_says_nothing_is_an_event_by_default_and_says_so() -> None:
    kind, reason = _kind("OrderFeed")
    assert kind is MessageKind.EVENT and reason is not None and "by default" in reason


def test_the_documents_own_signals_are_facts_not_guesses() -> None:
    explicit = read_kind(
        explicit="command",
        has_reply=False,
        name="OrderShipped",
        operation_names=(),
        descriptions=(),
    )
    assert (explicit.kind, explicit.reason) == (MessageKind.COMMAND, None)
    replied = read_kind(
        explicit=None, has_reply=True, name="OrderShipped", operation_names=(), descriptions=()
    )
    assert (replied.kind, replied.reason) == (MessageKind.QUERY, None)
