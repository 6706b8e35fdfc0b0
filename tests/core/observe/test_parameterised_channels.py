"""Observed traffic on parameterised channels: a value in the address (Redis: an entry of
the stream, which leaves the parameter out) is the flow's."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.core import io
from designer.core.observe import Observation

from .traffic import model

DESIGN = Path(__file__).resolve().parents[2] / "data" / "lights-parameters.msgflow.json"
MEASURED = {"lumens": 5}
TURN_ON = {"at": "2026-12-07T08:00:00+00:00"}


@pytest.mark.parametrize(
    ("broker", "measured", "turn_on", "stray"),
    [
        ("nats", ("", "lights.evt.streetlights.42.lighting.measured"),
         ("", "lights.cmd.streetlights.7.turn.on"), ("", "lights.evt.streetlights.42.other")),
        ("rabbitmq", ("lights.events", "streetlights.42.lighting.measured"),
         ("msgflow.routed", "streetlights.7.turn.on"), ("lights.events", "streetlights.42")),
        # Redis: one stream for every value (the values travel in each entry's header).
        ("redis", ("", "lights.streetlights.lighting.measured"), ("", "streetlights.turn.on"),
         ("", "lights.streetlights.42.lighting.measured")),
    ],
)  # fmt: skip
def test_a_value_in_the_address_counts_for_the_parameterised_flow(
    broker: str,
    measured: tuple[str, str],
    turn_on: tuple[str, str],
    stray: tuple[str, str],
) -> None:
    observation = Observation(io.load(DESIGN), broker, started=0.0)

    def seen(time: float, where: tuple[str, str], payload: dict[str, object], kind: str) -> None:
        exchange, channel = where
        record = model(
            time, broker, channel, payload, {"message_type": kind}, exchange=exchange or None
        )
        observation.add(record)

    seen(1.0, measured, MEASURED, "LightMeasured")
    seen(2.0, (measured[0], measured[1].replace("42", "43")), MEASURED, "LightMeasured")
    seen(3.0, turn_on, TURN_ON, "TurnOn")
    seen(4.0, stray, MEASURED, "LightMeasured")
    report = observation.report(ended=10.0)
    assert report.flow("f1").messages == 2  # lights 42 and 43
    assert report.flow("f2").messages == 1
    assert [s.messages for s in report.undeclared] == [1]  # only the stray address


def test_redis_entries_that_do_not_name_their_values_are_a_finding() -> None:
    """A Redis stream leaves the parameter out: an entry without the header `channel`
    (or naming another channel) reaches its handler with no values."""
    observation = Observation(io.load(DESIGN), "redis", started=0.0)
    stream = "streetlights.turn.on"  # TurnOn's, for every light
    for time, headers in enumerate(
        [
            {"message_type": "TurnOn", "channel": "streetlights.7.turn.on"},
            {"message_type": "TurnOn", "message_id": "m2"},  # a plain client's entry
            {"message_type": "TurnOn", "channel": "streetlights.turn.on"},  # no value in it
        ],
        1,
    ):
        observation.add(model(float(time), "redis", stream, TURN_ON, headers))
    report = observation.report(ended=10.0)
    assert report.flow("f2").messages == 3
    (finding,) = [f for f in report.findings if f.rule == "missing-channel-values"]
    assert finding.message == (
        "2 of 3 'TurnOn' message(s) on streetlights.turn.on do not name their channel's "
        "values, e.g. no header channel (message id m2)"
    )
    assert "'streetlights.{streetlightId}.turn.on'" in (finding.hint or "")
