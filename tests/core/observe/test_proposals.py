"""Ghost-arrow proposals from undeclared traffic: one traffic, one answer."""

from __future__ import annotations

from collections import Counter

from designer.core.model import Design, Node, NodeKind
from designer.core.observe.analysis import StrayTally
from designer.core.observe.proposals import propose


def _stray(channel: str) -> StrayTally:
    return StrayTally(
        broker="nats", address=channel, channel=channel, messages=1, types=Counter(), example={}
    )


def test_a_key_new_at_two_services_gets_numbered_ids_the_same_every_time() -> None:
    # Two services each handle a `ship-order` nobody declared: two commands (one handler
    # each), so the second needs a fresh id. Live mode proposes four times a second, and
    # the reviewer's ghost arrows must not change name between refreshes.
    design = Design(
        name="d",
        nodes=[
            Node(id="orders", name="Orders", kind=NodeKind.SERVICE),
            Node(id="billing", name="Billing", kind=NodeKind.SERVICE),
        ],
    )
    strays = [_stray("orders.cmd.ship-order"), _stray("billing.cmd.ship-order")]
    first = [p.message.id for p in propose(design, strays)]
    again = [p.message.id for p in propose(design, strays)]
    assert first == again
    assert first == ["ship-order", "ship-order-2"]
