"""Editing a flow's channel, its parameters and bindings as undoable commands (no Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import channel_parameters, io
from designer.core.channel_commands import EditBindings, EditChannel, EditParameter
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.history import History
from designer.core.model import AmqpQueue, ChannelParameter, KafkaTopic
from designer.core.rules.engine import validate
from tests.support.hypothesis_budget import examples

LIGHTS = Path(__file__).resolve().parents[1] / "data" / "lights-parameters.msgflow.json"
DESCRIBED = ChannelParameter(name="streetlightId", description="The ID of the streetlight.")


@pytest.fixture
def history() -> History:
    return History(Document(io.load(LIGHTS)))


def _channel_findings(history: History) -> list[str]:
    return [
        f.message for f in validate(history.document.design) if f.rule == "channel-name-invalid"
    ]


def test_typing_a_parameter_segment_declares_it_and_keeps_the_described_one(history) -> None:
    history.push(EditChannel("f2", "streetlights.{streetlightId}.{phase}.turn.on"))
    flow = history.document.flow("f2")
    assert flow.channel == "streetlights.{streetlightId}.{phase}.turn.on"
    assert flow.parameters == [DESCRIBED, ChannelParameter(name="phase")]
    assert _channel_findings(history) == []
    history.undo()
    assert history.document.flow("f2").parameters == [DESCRIBED]


def test_deleting_a_segment_removes_its_parameter_and_the_order_follows_the_channel(
    history,
) -> None:
    history.push(EditChannel("f2", "lights.{zone}.{streetlightId}.on"))
    assert [p.name for p in history.document.flow("f2").parameters] == ["zone", "streetlightId"]
    history.push(EditChannel("f2", "lights.{zone}.on"))
    assert [p.name for p in history.document.flow("f2").parameters] == ["zone"]
    history.push(EditChannel("f2", "  "))  # blank: back to the derived name, no parameters
    assert (history.document.flow("f2").channel, history.document.flow("f2").parameters) == (
        None,
        [],
    )
    assert _channel_findings(history) == []
    for _ in range(3):
        history.undo()
    assert history.document.flow("f2").parameters == [DESCRIBED]


@pytest.mark.parametrize(
    ("channel", "said"),
    [
        ("a.{../../x}.b", "{../../x} holds '.'"),
        ("a.{名前}.b", "non-ASCII character '名'"),
        ("a.{}.b", "{} has no name"),
        ("a.{x}.{x}", "names the parameter {x} twice"),
        ("a.x{y}.b", "inside the segment 'x{y}'"),
    ],
)
def test_a_channel_no_broker_could_render_is_refused_with_the_reason(
    history, channel: str, said: str
) -> None:
    before = io.dumps(history.document.design)
    with pytest.raises(EditError, match=None) as refused:
        history.push(EditChannel("f2", channel))
    assert said in str(refused.value)
    assert io.dumps(history.document.design) == before
    assert history.undo_text is None


def test_a_python_keyword_is_a_parameter_name_like_any_other(history) -> None:
    # The file format takes `{class}`; generated code names its argument `class_value`.
    history.push(EditChannel("f2", "lights.{class}.on"))
    assert [p.name for p in history.document.flow("f2").parameters] == ["class"]


def test_renaming_a_parameter_rewrites_its_segment(history) -> None:
    history.push(EditParameter("f2", "streetlightId", name="lightId"))
    flow = history.document.flow("f2")
    assert flow.channel == "streetlights.{lightId}.turn.on"
    assert flow.parameters == [DESCRIBED.model_copy(update={"name": "lightId"})]
    assert _channel_findings(history) == []
    history.undo()
    assert history.document.flow("f2").channel == "streetlights.{streetlightId}.turn.on"


@pytest.mark.parametrize(
    ("name", "said"),
    [("../../x", "holds '.'"), ("名前", "non-ASCII"), ("", "has no name"), ("a b", "a space")],
)
def test_a_bad_new_parameter_name_is_refused(history, name: str, said: str) -> None:
    with pytest.raises(EditError) as refused:
        history.push(EditParameter("f2", "streetlightId", name=name))
    assert said in str(refused.value)
    assert history.document.flow("f2").channel == "streetlights.{streetlightId}.turn.on"


def test_renaming_onto_another_parameter_is_refused(history) -> None:
    history.push(EditChannel("f2", "lights.{zone}.{streetlightId}.on"))
    with pytest.raises(EditError, match=r"already has a parameter \{zone\}"):
        history.push(EditParameter("f2", "streetlightId", name="zone"))


def test_description_type_and_values_of_a_parameter(history) -> None:
    history.push(
        EditParameter(
            "f2", "streetlightId", description="  ", type="integer", enum=["1", " 2", "1"]
        )
    )
    assert history.document.flow("f2").parameters == [
        ChannelParameter(name="streetlightId", type="integer", enum=["1", "2"])
    ]
    with pytest.raises(EditError, match="type"):
        history.push(EditParameter("f2", "streetlightId", type="float"))


def test_bindings_that_say_only_the_defaults_leave_the_flow_as_it_was(history) -> None:
    before = io.dumps(history.document.design)
    history.push(EditBindings("f2", AmqpQueue(exclusive=True), KafkaTopic(partitions=3)))
    bindings = history.document.flow("f2").bindings
    assert bindings is not None and bindings.amqp == AmqpQueue(exclusive=True)
    assert bindings.kafka == KafkaTopic(partitions=3)
    history.push(EditBindings("f2", AmqpQueue(), KafkaTopic()))
    assert history.document.flow("f2").bindings is None
    assert io.dumps(history.document.design) == before
    with pytest.raises(EditError, match="partitions"):
        history.push(EditBindings("f2", None, KafkaTopic.model_construct(partitions=0)))


_PIECES = st.sampled_from(
    ["lights", "{id}", "{zone}", "{}", "{名前}", "{../x}", "{class}", "x{id}", ".", " ", "*", "é"]
)


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(pieces=st.lists(_PIECES, max_size=6))
def test_any_typed_channel_is_taken_or_refused_and_never_leaves_a_parameter_mismatch(
    history, pieces: list[str]
) -> None:
    typed = ".".join(pieces)
    before = io.dumps(history.document.design)
    try:
        history.push(EditChannel("f2", typed))
    except EditError:
        assert io.dumps(history.document.design) == before  # refused: nothing changed
        return
    flow = history.document.flow("f2")
    if flow.channel is not None:
        # Taken: every {name} is declared once, nothing else is declared.
        assert [p.name for p in flow.parameters] == channel_parameters.names_in(flow.channel)
        assert channel_parameters.problems(flow.channel, [p.name for p in flow.parameters]) == []
    history.undo()
    assert io.dumps(history.document.design) == before
