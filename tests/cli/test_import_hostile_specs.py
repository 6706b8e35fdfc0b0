"""AsyncAPI documents the second outside fuzz campaign (tests/fuzz/campaign.py, mutated
corpus systems) crashed `msgflow import asyncapi` with. Each must exit 2 with one located
line, never a traceback, and write no design."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io

SYSTEM = "asyncapi: 3.0.0\ninfo: {title: Lights, version: 1.0.0}\n"
CHANNEL = (
    "channels:\n  c:\n    address: light.measured\n    messages:\n"
    "      {name}:\n        payload: {{type: object, properties: {{lux: {{type: integer}}}}}}\n"
    "operations:\n  o:\n    action: receive\n    channel: {{$ref: '#/channels/c'}}\n"
)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # A lone surrogate in a message name: the id's slug hashed it and UTF-8 failed.
        ("s.yaml", SYSTEM + CHANNEL.format(name='"\\ud83d"'), "s.yaml: $.channels.c.messages"),
        ("s.json", '{"asyncapi": "3.0.0", "info": {"title": "\\ud83d", "version": "1"}}',
         "s.json: $.info.title: holds a lone surrogate"),
        # An integer of 5,000 digits: PyYAML raised ValueError past its syntax checks.
        ("n.yaml", SYSTEM + "x-n: " + "9" * 5000 + "\n", "over 4,300 digits"),
        ("d.yaml", SYSTEM + "x-d: 2024-13-45\n", "d.yaml: $: not valid YAML"),
        # A section the importer walks as a mapping, written as text: AttributeError.
        ("c.yaml", "asyncapi: 2.6.0\ninfo: {title: T, version: 1}\nchannels: x\n",
         "c.yaml: $.channels: should be a mapping, found str"),
        ("m.yaml", SYSTEM + "components: {messages: [a]}\n",
         "m.yaml: $.components.messages: should be a mapping, found a list"),
        ("t.yaml", "asyncapi: 3.0.0\ninfo: {title: [T], version: 1}\n",
         "t.yaml: $.info.title: should be text, found a list"),
    ],
)  # fmt: skip
def test_a_hostile_document_is_refused_with_a_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expected: str
) -> None:
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def test_descriptions_that_are_not_text_are_left_out_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `description: 1.5` on a property, a message and an operation: MessageField refused
    # the number (a pydantic ValidationError escaped). The words are simply not kept.
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        "        description: [1]\n        summary: 2\n"
        "        payload: {type: object, properties: {lux: {type: integer, description: 1.5}}}\n"
        "operations:\n  o:\n    action: receive\n    description: {a: 1}\n"
        "    channel: {$ref: '#/channels/c'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    design = io.load(out)
    (message,) = design.messages
    assert message.description is None
    assert [(f.name, f.type, f.description) for f in message.fields] == [("lux", "integer", None)]
