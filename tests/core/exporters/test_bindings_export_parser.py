"""A design holding a Kafka record key and a fanout exchange exports documents the official
AsyncAPI parser accepts without an error or warning, on both brokers that render them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from designer.core import io
from designer.core.exporters.asyncapi import export_asyncapi
from designer.core.model import AmqpQueue, FlowBindings, KafkaTopic
from designer.resources import examples_dir
from tests.support.node_tools import asyncapi_errors


@pytest.mark.slow
def test_keyed_and_fanout_exports_pass_the_official_parser(tmp_path: Path) -> None:
    design = io.load(examples_dir() / "shop.msgflow.json")
    settings = FlowBindings(
        amqp=AmqpQueue(exchange_type="fanout"), kafka=KafkaTopic(partitions=3, key_field="order_id")
    )
    design.flows = [
        f.model_copy(update={"bindings": settings}) if f.message == "order-created" else f
        for f in design.flows
    ]
    files = []
    for broker in ("kafka", "rabbitmq"):
        for name, document in export_asyncapi(design, broker).items():
            path = tmp_path / broker / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
            files.append(path)
    kafka_system = yaml.safe_load((tmp_path / "kafka" / "system.asyncapi.yaml").read_text())
    key = kafka_system["components"]["messages"]["OrderCreated"]["bindings"]["kafka"]["key"]
    assert key["x-msgflow-field"] == "order_id"
    rabbit_system = (tmp_path / "rabbitmq" / "system.asyncapi.yaml").read_text()
    assert "type: fanout" in rabbit_system
    assert asyncapi_errors(files) == []
