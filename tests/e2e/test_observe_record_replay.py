"""`msgflow observe --url ... --record TRACE` on the real NATS, then `--replay TRACE`: the
recording gives the same report, finding for finding and number for number (issue #16,
item 5: drift checks in CI without a broker). Skips when NATS is missing; fails in CI."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir
from tests.support.brokers import delete_nats_prefix, prefixed, unique_token
from tests.support.requirements import require_nats

from .observe_mix import build_mix

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
NATS_URL = "nats://127.0.0.1:4222"


def test_a_recorded_window_replays_to_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import nats

    require_nats()
    token = unique_token("rr")
    design = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    path, trace = tmp_path / "shop.msgflow.json", tmp_path / "window.jsonl"
    io.save(design, path)
    events_prefix = None
    done = threading.Event()

    async def publish() -> None:
        # The known mix (one malformed, one undeclared type, one silent flow), round after
        # round until the window is over: whatever lands in it is recorded and judged.
        nonlocal events_prefix
        client = await nats.connect(NATS_URL)
        try:
            while not done.is_set():
                for sent in build_mix(design):
                    if sent.channel is not None:
                        subject = sent.channel.subject
                        events_prefix = events_prefix or subject.rsplit(".", 1)[0]
                    elif sent.reply_to_address is not None:
                        subject = sent.reply_to_address
                    else:
                        subject = f"{events_prefix}.{sent.stray_key}"
                    await client.publish(subject, sent.body, headers=sent.headers)
                await client.flush()
                await asyncio.sleep(0.2)
        finally:
            await client.close()

    publisher = threading.Thread(target=lambda: asyncio.run(publish()))
    publisher.start()
    try:
        argv = ["observe", str(path), "--url", NATS_URL, "--duration", "3"]
        live = main([*argv, "--record", str(trace), "--format", "json"])
    finally:
        done.set()
        publisher.join()
        asyncio.run(delete_nats_prefix(NATS_URL, token))
    watched = json.loads(capsys.readouterr().out)
    replayed_exit = main(["observe", str(path), "--replay", str(trace), "--format", "json"])
    replayed = json.loads(capsys.readouterr().out)
    assert (live, replayed_exit) == (1, 1)  # the malformed payload is an error either way
    assert replayed == watched
    mine = {f["flow"]: f for f in watched["flows"]}
    assert mine["f2"]["messages"] > 0 and mine["f2"]["violations"] > 0
    assert mine["f7"]["messages"] == 0
    assert {d["rule"] for d in watched["findings"]} >= {
        "contract-violation",
        "silent-flow",
        "undeclared-traffic",
    }
