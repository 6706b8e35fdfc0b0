"""Edits the second outside fuzz campaign (tests/fuzz/campaign.py) found saving designs
the loader then refused, or crashing instead of refusing. Each must be refused with a
reason (EditError, shown in the status bar) and leave the design as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from designer.core import io
from designer.core.channel_commands import EditParameter
from designer.core.commands import Command, EditSettings, Macro
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.history import History
from designer.core.model import Settings
from designer.resources import examples_dir


@pytest.fixture
def doc() -> Document:
    return Document(io.load(examples_dir() / "shop.msgflow.json"))


def _refused(doc: Document, command: Command, reason: str) -> None:
    before = io.dumps(doc.design)
    with pytest.raises(EditError, match=reason):
        History(doc).push(command)
    assert io.dumps(doc.design) == before
    io.loads(before)


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        ({"sync-chain-depth": "loud"}, "sync-chain-depth"),
        ({"orphan-node": {"severity": ["error"]}}, "orphan-node"),
    ],
)
def test_rule_settings_built_without_validation_are_refused(
    doc: Document, rules: dict[str, object], reason: str
) -> None:
    # Settings.model_construct: what a script or paste builds without validation. It used
    # to be stored and saved; the loader then refused the file.
    settings = Settings.model_construct(rules=rules, generate={})
    _refused(doc, EditSettings(settings), reason)
    _refused(doc, Macro("Paste", [EditSettings(settings)]), reason)


LIGHTS = Path(__file__).resolve().parents[1] / "data" / "lights-parameters.msgflow.json"


@pytest.mark.parametrize(
    "changes",
    [
        {"description": ["The ID"]},  # AttributeError: 'list' object has no attribute 'strip'
        {"name": ["lightId"]},  # TypeError in the name check
        {"enum": [None]},
        {"enum": "1,2"},
        {"type": 5},
    ],
)
def test_a_channel_parameter_edit_of_the_wrong_type_is_refused(changes: dict[str, Any]) -> None:
    doc = Document(io.load(LIGHTS))
    _refused(doc, EditParameter("f2", "streetlightId", **changes), "channel parameter")
