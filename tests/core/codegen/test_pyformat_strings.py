"""Long string arguments are split only where they are one string literal."""

from __future__ import annotations

import ast

from designer.core.codegen import pyformat


def test_a_long_dict_entry_is_never_split_into_broken_python() -> None:
    # A RabbitMQ queue argument of a long (imported) channel name: `"key": "value"` begins
    # and ends with a quote, but splitting it at its spaces made an unclosed string.
    entry = '"x-dead-letter-routing-key": "' + "svc." + "a" * 90 + '"'
    arguments = pyformat.Call("", (("", entry),), "{}")
    call = pyformat.Call("RabbitQueue", (("", '"q"'), ("arguments", arguments)))
    source = pyformat.render(call, 4)
    tree = ast.parse(source.strip(), mode="eval").body  # valid Python
    assert isinstance(tree, ast.Call)
    value = tree.keywords[0].value
    assert isinstance(value, ast.Dict)
    assert ast.literal_eval(value) == {"x-dead-letter-routing-key": "svc." + "a" * 90}
    # ruff's E501 passes: every line fits, or is one word (the value alone, parenthesised)
    assert all(len(line) <= 100 or " " not in line.strip() for line in source.splitlines())


def test_a_long_sentence_is_still_split_into_joined_pieces() -> None:
    text = '"' + " ".join(["word"] * 40) + '"'
    source = pyformat.render(pyformat.Call("f", (("description", text),)), 0)
    assert source.count("\n") > 2
    call = ast.parse(source, mode="eval").body
    assert isinstance(call, ast.Call)
    value = call.keywords[0].value
    assert isinstance(value, ast.Constant) and value.value == text[1:-1]
