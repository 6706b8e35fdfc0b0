"""`msgflow observe` on RabbitMQ with a design whose routing keys AMQP cannot carry (issue #10).

Found by the broker fuzz (seed 8102): a channel of 256 bytes made a binding key the AMQP
client refuses to encode, and observe stopped with a TypeError traceback from pamqp. The
flow is now left unwatched with a note; the others are watched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.cli import main
from designer.resources import examples_dir

SHOP_PATH = examples_dir() / "shop.msgflow.json"
SHOP = json.loads(SHOP_PATH.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_routing_key_over_255_bytes_is_noted_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.brokers import ScratchVhost, require_rabbitmqctl

    require_rabbitmqctl()
    design = json.loads(json.dumps(SHOP))
    for flow in design["flows"]:
        if flow["id"] == "f4":  # AddLoyaltyPoints, a queue flow: a direct binding
            flow["channel"] = "b" * 256
    path = tmp_path / "d.msgflow.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    with ScratchVhost() as vhost:
        assert main(["broker", "apply", str(SHOP_PATH), "--url", vhost.url()]) == 0
        capsys.readouterr()
        code = main(["observe", str(path), "--url", vhost.url(), "--duration", "1"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err
    assert f"routing key '{'b' * 40}...'" in out + err and "is 256 bytes" in out + err
