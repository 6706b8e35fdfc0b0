from __future__ import annotations

import pytest

from designer.core.broker_urls import BrokerUrlError, broker_of, redact

SCHEMES = {"amqp": "rabbitmq", "nats": "nats"}


def test_a_password_is_never_echoed() -> None:
    assert redact("amqp://guest:s3cret@[::1]:5672/vh") == "amqp://guest:***@[::1]:5672/vh"
    assert redact("nats://host:4222") == "nats://host:4222"
    # malformed (unclosed IPv6 bracket): still hidden, no exception
    assert "s3cret" not in redact("amqp://guest:s3cret@[::1:5672")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("amqp://u:s3cret@host:99999/", "malformed broker URL 'amqp://u:***@host:99999/'"),
        ("kafka://host:9092", "unsupported broker URL 'kafka://host:9092'"),
        ("nats://", "broker URL 'nats://' names no host"),
    ],
)
def test_bad_urls_are_refused_with_the_usage(url: str, expected: str) -> None:
    with pytest.raises(BrokerUrlError) as caught:
        broker_of(url, SCHEMES, "use amqp://... or nats://...")
    assert str(caught.value).startswith(expected)
    assert str(caught.value).endswith("use amqp://... or nats://...")
    assert "s3cret" not in str(caught.value)


def test_the_scheme_names_the_broker_in_any_case() -> None:
    assert broker_of("AMQP://guest:guest@localhost/", SCHEMES, "") == "rabbitmq"
