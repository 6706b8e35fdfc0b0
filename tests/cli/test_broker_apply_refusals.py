"""`msgflow broker apply` refuses, before it connects, a design whose names the broker would
refuse (issue #10: a hostile design must be refused with a located message or work, and
never leave the broker half-declared).

Found by the broker fuzz (tests/fuzz/broker_names.py): a channel `amq.x` or a node `amq`
was "would create" in a dry run (exit 0), then the real run created 24 of 27 objects and
failed on the rest (exit 1); a channel with a NATS wildcard or a space did the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.resources import examples_dir

SHOP = json.loads((examples_dir() / "shop.msgflow.json").read_text(encoding="utf-8"))
# Nothing listens here: a refusal must come before any connection is tried.
NOWHERE = {"rabbitmq": "amqp://guest:guest@127.0.0.1:1/x", "nats": "nats://127.0.0.1:1"}


def _design(tmp_path: Path, channel: str | None = None, node: str | None = None) -> Path:
    text = json.dumps(SHOP)
    if node is not None:
        text = text.replace('"orders"', json.dumps(node))
    design = json.loads(text)
    if channel is not None:
        for flow in design["flows"]:
            if flow["id"] == "f4":  # AddLoyaltyPoints, a queue flow
                flow["channel"] = channel
    path = tmp_path / "d.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    return path


def _rule_as_warning(design: dict[str, Any]) -> None:
    """`channel-name-invalid` lowered to a warning: names only other brokers refuse pass."""
    design.setdefault("settings", {}).setdefault("rules", {})["channel-name-invalid"] = {
        "severity": "warning"
    }


# What each broker is told: the reason that broker itself refuses the name, or, where it
# would take it, the reason another broker refuses it (the rule holds a design to names
# every broker takes) and that this one takes it.
REFUSED = [
    # channel, said to RabbitMQ, said to NATS
    ("a*b", "contains '*', which RabbitMQ's client refuses", "NATS wildcard '*'"),
    ("orders.>", "contains '>', which RabbitMQ's client refuses", "NATS wildcard '>'"),
    ("a b", "a space", "a space"),
    ("名前", "non-ASCII", "non-ASCII"),
    ("x" * 300, "300 bytes", "300 bytes"),
    ("a..b", "'..'", "'..'"),
    ("amq.x", "RabbitMQ reserves", "RabbitMQ reserves"),
    # The AMQP client refuses these before sending (found on the real RabbitMQ by
    # the broker fuzz: 20 objects created, then "Invalid value for queue").
    ("$SYS.x", "contains '$', which RabbitMQ's client refuses", "'$SYS', a subject NATS reserves"),
    ("a\\b", "contains '\\'", "contains '\\'"),
    ("a!b", "contains '!'", "contains '!'"),
    # Wildcards as whole words: a subscriber bound with one would receive other channels'
    # messages; `#` alone, on RabbitMQ's topic exchange, every event of the design.
    ("#", "has the word '#', RabbitMQ's topic wildcard", "has the word '#'"),
    ("orders.#", "has the word '#'", "has the word '#'"),
    ("*", "has the word '*'", "has the word '*'"),
    ("orders.*.created", "has the word '*'", "has the word '*'"),
    # Subjects NATS reserves: the server's own, and its clients' reply inboxes.
    ("_INBOX.x", "'_INBOX', the prefix NATS clients reserve", "'_INBOX', the prefix NATS"),
    ("$JS.API.x", "contains '$'", "'$JS', a subject NATS reserves"),
    ("$KV.bucket.key", "contains '$'", "'$KV', a subject NATS reserves"),
]


@pytest.mark.parametrize("broker", ["rabbitmq", "nats"])
@pytest.mark.parametrize(("channel", "to_rabbitmq", "to_nats"), REFUSED)
def test_a_channel_the_broker_refuses_is_located_and_nothing_is_declared(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    broker: str,
    channel: str,
    to_rabbitmq: str,
    to_nats: str,
) -> None:
    path = _design(tmp_path, channel=channel)
    says = to_rabbitmq if broker == "rabbitmq" else to_nats
    for dry_run in ([], ["--dry-run"]):
        code = main(["broker", "apply", str(path), "--url", NOWHERE[broker], *dry_run])
        err = capsys.readouterr().err
        assert code == 2, err
        assert f"{path}: $.flows[3].channel: " in err and says in err, err
        assert "nothing declared" in err and "cannot connect" not in err
        # Never the other broker's client named as the one refusing the name.
        if broker == "nats":
            assert "RabbitMQ's client refuses" not in err or "NATS takes it" in err, err


@pytest.mark.parametrize(
    ("channel", "broker", "other"),
    [("名前", "nats", "RabbitMQ"), ("a!b", "nats", "RabbitMQ"), ("a..b", "rabbitmq", "NATS")],
)
def test_a_name_only_another_broker_refuses_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], channel: str, broker: str, other: str
) -> None:
    # The rule holds the design to names every broker takes: still refused, but the
    # message says this broker takes it, and the summary does not claim it refuses it.
    path = _design(tmp_path, channel=channel)
    assert main(["broker", "apply", str(path), "--url", NOWHERE[broker]]) == 2
    err = capsys.readouterr().err
    title = {"nats": "NATS", "rabbitmq": "RabbitMQ"}[broker]
    assert f"({title} takes it, {other} does not: rule channel-name-invalid" in err, err
    assert (
        f"nothing declared: 1 name(s) refused, 0 that {broker} would refuse and 1 that only "
        "other brokers refuse" in err
    )


@pytest.mark.parametrize(("broker", "channel"), [("rabbitmq", "#"), ("nats", "_INBOX.x")])
def test_a_name_the_broker_refuses_is_refused_even_with_the_rule_switched_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], broker: str, channel: str
) -> None:
    # The rule's severity is the user's to choose; what the broker refuses or misreads is
    # not: a `#` binding would still subscribe to everything.
    design = json.loads(_design(tmp_path, channel=channel).read_text(encoding="utf-8"))
    _rule_as_warning(design)
    path = tmp_path / "off.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    assert main(["broker", "apply", str(path), "--url", NOWHERE[broker]]) == 2
    err = capsys.readouterr().err
    assert f"{path}: $.flows[3].channel: Channel {channel!r} of flow 'f4' " in err, err
    assert f"nothing declared: 1 name(s) {broker} would refuse" in err


def test_a_wildcard_channel_is_no_design_to_generate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # generate refuses rule errors: a `#` subscriber is never generated by mistake.
    path = _design(tmp_path, channel="#")
    assert main(["validate", str(path)]) == 1
    assert "has the word '#', RabbitMQ's topic wildcard" in capsys.readouterr().out
    assert main(["generate", str(path), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "channel-name-invalid: Channel '#' of AddLoyaltyPoints" in err, err
    assert not (tmp_path / "out").exists()


def test_a_node_whose_names_rabbitmq_reserves_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _design(tmp_path, node="amq")  # its events exchange would be `amq.events`
    assert main(["broker", "apply", str(path), "--url", NOWHERE["rabbitmq"]]) == 2
    err = capsys.readouterr().err
    assert f"{path}: $.nodes[3].id: node 'amq' makes the names amq.events" in err
    # NATS has no such reservation: the same design goes on to connect (and fails, exit 1).
    assert main(["broker", "apply", str(path), "--url", NOWHERE["nats"]]) == 1
    assert "cannot connect" in capsys.readouterr().out


def test_the_reserved_prefix_is_a_rule_error_with_a_usable_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _design(tmp_path, channel="amq.x")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "starts with 'amq.', which RabbitMQ reserves" in out
    assert "Rename the channel to 'amq-x'" in out


@pytest.mark.slow
def test_on_the_real_rabbitmq_a_refused_design_declares_nothing(tmp_path: Path) -> None:
    from tests.support.brokers import ScratchVhost, require_rabbitmqctl

    require_rabbitmqctl()
    with ScratchVhost() as vhost:
        for path in (_design(tmp_path, channel="amq.x"), _design(tmp_path, node="amq")):
            assert main(["broker", "apply", str(path), "--url", vhost.url()]) == 2
        assert vhost.queues() == {}


@pytest.mark.parametrize("reply", ["a b", "$SYS.x", "名前", "amq.x"])
def test_a_reply_name_the_broker_refuses_is_located_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reply: str
) -> None:
    # A reply names the requester's reply queue (RabbitMQ) or subject (NATS): no rule
    # checked it, so generated services failed declaring it at run time.
    design = json.loads(_design(tmp_path).read_text(encoding="utf-8"))
    design["flows"][3]["reply"] = reply
    path = tmp_path / "reply.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert f"Reply {reply!r} of AddLoyaltyPoints" in capsys.readouterr().out
    assert main(["broker", "apply", str(path), "--url", NOWHERE["nats"]]) == 2
    assert f"{path}: $.flows[3].reply: Reply {reply!r}" in capsys.readouterr().err


def test_an_http_callback_reply_is_a_path_not_a_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = json.loads(_design(tmp_path).read_text(encoding="utf-8"))
    design["flows"][3]["reply"] = "/callbacks/loyalty points"
    path = tmp_path / "reply.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    main(["validate", str(path)])
    assert "Reply '/callbacks" not in capsys.readouterr().out


def test_a_channel_within_255_bytes_making_a_longer_queue_name_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 255 bytes RabbitMQ takes, but the queue `<channel>.dlq` has 259: the AMQP client
    # refused it after the other objects were declared (found by the broker fuzz, exit 1).
    # (Kafka takes at most 249: with the rule a warning, only RabbitMQ's own refusals count.)
    design = json.loads(_design(tmp_path, channel="a" * 255).read_text(encoding="utf-8"))
    _rule_as_warning(design)
    path = tmp_path / "long.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    assert main(["broker", "apply", str(path), "--url", NOWHERE["rabbitmq"]]) == 2
    err = capsys.readouterr().err
    assert f"{path}: $.flows[3].channel: makes the RabbitMQ name 'aaaa" in err
    assert "of 259 bytes (at most 255)" in err and "nothing declared" in err


@pytest.mark.parametrize(
    ("channel", "says"),
    [
        ("a/b", "no spaces, '.', '*', '>' or slashes allowed"),
        ("a" * 255, "characters (at most 255)"),  # the server: "consumer name is too long"
    ],
)
def test_a_channel_making_a_durable_jetstream_refuses_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], channel: str, says: str
) -> None:
    # Fine as a subject, but the durable `<subscriber>__<channel>` is no JetStream name:
    # the stream was created and its consumer refused (found by the broker fuzz, exit 1).
    design = json.loads(_design(tmp_path).read_text(encoding="utf-8"))
    design["flows"][1]["channel"] = channel  # f2: OrderCreated, a topic flow
    # Kafka refuses both names too; with the rule a warning, only NATS's refusals count.
    _rule_as_warning(design)
    path = tmp_path / "durable.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    assert main(["broker", "apply", str(path), "--url", NOWHERE["nats"]]) == 2
    err = capsys.readouterr().err
    assert f"{path}: $.flows[1].channel: makes the JetStream name 'shipping__" in err
    assert says in err and "nothing declared" in err
