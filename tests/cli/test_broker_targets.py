"""`msgflow generate --target all` writes every broker artefact, and rewrites nothing unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir

SHOP = str(examples_dir() / "shop.msgflow.json")


def test_target_all_writes_the_broker_configuration_next_to_the_code(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert main(["generate", SHOP, "-o", str(out), "--target", "all"]) == 0
    definitions = json.loads((out / "rabbitmq/definitions.json").read_text())
    assert {q["name"] for q in definitions["queues"]} >= {
        "shipping.order-created",
        "shipping.order-created.dlq",
    }
    assert "load_definitions" in (out / "rabbitmq/rabbitmq.conf").read_text()
    assert (
        json.loads((out / "nats/streams/ORDERS_EVENTS.json").read_text())["retention"] == "limits"
    )
    assert json.loads(
        (out / "nats/consumers/ORDERS_EVENTS/shipping__order-created.json").read_text()
    )
    assert "nats stream add" in (out / "nats/setup.sh").read_text()
    assert yaml.safe_load((out / "kafka/state.yaml").read_text())["services"]["orders"]["produces"]
    compose = yaml.safe_load((out / "docker-compose.yml").read_text())
    # One container per service the python target wrote (each has its package folder).
    for package in ("customers", "loyalty", "notifications", "orders", "shipping"):
        assert (out / package / "_generated.py").is_file()
        assert compose["services"][package]["command"] == ["python", "-m", package]
    assert (out / "compose/Dockerfile").is_file() and (out / "run-local.sh").is_file()
    # The snapshot run-local.sh applies is the design itself.
    assert io.load(out / "compose/design.msgflow.json") == io.load(SHOP)
    capsys.readouterr()

    # Regenerating an unchanged design rewrites none of these files.
    assert main(["generate", SHOP, "-o", str(out), "--target", "all", "--dry-run"]) == 0
    plan = capsys.readouterr().out
    for path in (
        "rabbitmq/definitions.json",
        "nats/setup.sh",
        "kafka/state.yaml",
        "docker-compose.yml",
        "run-local.sh",
    ):
        assert f"unchanged  {path}" in plan


def test_each_broker_target_alone(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for target, expected in {
        "rabbitmq": "rabbitmq/definitions.json",
        "nats": "nats/setup.sh",
        "kafka": "kafka/state.yaml",
        "compose": "docker-compose.yml",
    }.items():
        out = tmp_path / target
        assert main(["generate", SHOP, "-o", str(out), "--target", target, "--broker", "nats"]) == 0
        assert (out / expected).is_file()
    # `--broker nats` gives compose a NATS server and its setup container.
    compose = yaml.safe_load((tmp_path / "compose" / "docker-compose.yml").read_text())
    assert {"nats", "nats-setup"} <= set(compose["services"])
    capsys.readouterr()
