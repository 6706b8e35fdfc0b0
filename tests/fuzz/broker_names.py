"""Designs whose broker names are hostile, for `msgflow broker apply` (issue #10).

A flow's explicit `channel` and `reply` and the node ids become RabbitMQ exchanges, queues
and routing keys and NATS subjects, streams and durables (designer/core/channels.py).
`hostile_design(rng, token)` puts names there that a broker reserves or refuses (`amq.x`,
`$SYS.x`, `a.*.b`, `>`, spaces, `名前`, 300 or 70,000 characters, `class`, `../../x`) in
the shop or a small synthetic design, every node id prefixed with `token` so that what one
run declares on the shared brokers is its own and can be removed afterwards.

The promise checked: exit 0, 1 or 2 and never a traceback; exit 2 (refused) declares
nothing; otherwise every object on the broker afterwards is one the report names.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.fuzz.mutations import example_seeds, synthetic_seed

NAMES = [
    "class", "../../x", "名前", "x" * 300, "y" * 70_000, "amq.x", "amq.gen-1", "amq",
    "AMQ.x", "a.b", "a*b", "a.*.b", "a>b", ">", "*", "x.>", "a b", "a\tb", ".", "a..b",
    ".a", "a.", "$SYS.x", "$JS.API.x", "_INBOX.x", "a/b", "a\\b", "a\x00b", "{x}",
    "a.{x}.b", "😀", "#", "a#b", "-", "msgflow.commands", "msgflow.dlx", "a" * 255,
    "b" * 256, "Ünïcödé", "\u202eevil", "orders", "orders.events",
]  # fmt: skip


def _seed(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.6:
        return json.loads(example_seeds()["shop.msgflow.json"])
    return json.loads(synthetic_seed(rng.choice([2, 3, 5]), rng.randrange(100)))


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, dict):
        return {(new if k == old else k): _renamed(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, old, new) for v in value]
    return new if value == old else value


def hostile_design(rng: random.Random, token: str) -> tuple[str, bytes, bool]:
    """(a label saying what was put where, the design's bytes, whether a node id lost
    the token: then its names may be anybody's on a shared broker)."""
    bare = False
    raw = _seed(rng)
    for node in list(raw["nodes"]):  # every broker name of this run starts with the token
        raw = _renamed(raw, node["id"], f"{token}-{node['id']}")
    done = []
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(NAMES)
        roll = rng.random()
        flows = [f for f in raw["flows"] if f.get("transport") != "http"] or raw["flows"]
        flow = rng.choice(flows)
        if roll < 0.5:
            flow["channel"] = name
            done.append(f"{flow['id']}.channel={name[:20]!r}")
        elif roll < 0.7:
            flow["reply"] = name
            done.append(f"{flow['id']}.reply={name[:20]!r}")
        else:
            node = rng.choice(raw["nodes"])["id"]
            # Still token-prefixed unless the hostile name is the whole id (then the run's
            # objects are found by the names the report gives).
            bare = bare or rng.random() < 0.3
            new = name if bare else f"{token}-{name}"
            raw = _renamed(raw, node, new)
            done.append(f"node {node}={new[:30]!r}")
    text = json.dumps(raw, ensure_ascii=rng.random() < 0.5)
    return "; ".join(done), text.encode("utf-8", "surrogatepass"), bare
