"""Keep counting through a design edit: an observation carried over to the edited design.

Live mode judges traffic by the design as it is now. After an edit it needs an
observation of the new design, but what was counted so far stays true for every flow
whose traffic the edit did not change. A flow's traffic is its message and the addresses
it travels on (the observed broker's, from the naming convention) — not the flow item:
re-targeting an event, editing a label or re-creating a flow keeps its counts; renaming
its message or moving it to another channel starts it from zero.

What the old design judged and the new one would judge differently is dropped, not
guessed: contract violations when the message's contract changed, undeclared traffic
that now has a flow or a declared type, wrong-channel counts that are now right.
"""

from __future__ import annotations

import copy

from ..model import Design
from .analysis import FlowTally, Observation
from .expected import Address, Expectations

TrafficKey = tuple[str, frozenset[Address], frozenset[Address]]  # message, addresses, replies


def traffic_keys(expected: Expectations, broker: str) -> dict[str, TrafficKey]:
    """flow id -> what the flow carries where, on `broker`."""
    addresses: dict[str, set[Address]] = {}
    replies: dict[str, set[Address]] = {}
    for address, use in expected.by_broker[broker].items():
        for flow_id in use.flows:
            addresses.setdefault(flow_id, set()).add(address)
        for flow_id in use.replies_for:
            replies.setdefault(flow_id, set()).add(address)
    return {
        flow_id: (
            flow.message,
            frozenset(addresses.get(flow_id, ())),
            frozenset(replies.get(flow_id, ())),
        )
        for flow_id, flow in expected.flows.items()
    }


def follow(old: Observation, design: Design) -> Observation:
    """An observation of `design` that keeps what `old` counted wherever it still holds.

    `old` is used up: its counters move into the new observation."""
    new = Observation(design, old.broker, old.started)
    new.last_time = old.last_time
    new.records = old.records
    new.recent = old.recent  # message ids and their times do not depend on the design
    broker = old.broker
    if broker is None:
        return new  # nothing seen yet
    before = traffic_keys(old.expected, broker)
    after = traffic_keys(new.expected, broker)
    by_key: dict[TrafficKey, FlowTally] = {}
    for flow_id, tally in old.tallies.items():
        by_key.setdefault(before[flow_id], tally)
    origin_id = {id(tally): flow_id for flow_id, tally in old.tallies.items()}
    renamed: dict[str, str] = {}  # old flow id -> new flow id, for requests in flight
    taken: set[int] = set()
    for flow_id in new.tallies:
        key = after[flow_id]
        # The flow's own counts when its traffic is unchanged, else those of the same traffic.
        same = old.tallies.get(flow_id) if before.get(flow_id) == key else None
        origin = same or by_key.get(key)
        if origin is None:
            new.tallies[flow_id].since = old.last_time  # new traffic: counted from the edit
            continue
        # Two new flows with the same traffic: each gets its own copy of the counts.
        tally = _copy(origin) if id(origin) in taken else origin
        taken.add(id(origin))
        renamed.setdefault(origin_id[id(origin)], flow_id)
        tally.flow_id = flow_id
        if _contract(old.design, design, key[0]):
            _forget_violations(tally)
        new.tallies[flow_id] = tally
    _carry_requests(old, new, renamed)
    _carry_strays(old, new)
    _carry_wrong(old, new)
    return new


def _contract(old: Design, new: Design, message_id: str) -> bool:
    """Whether the message's contract (fields, response, the records they use) changed."""
    before, after = old.message(message_id), new.message(message_id)
    if before is None or after is None:
        return True
    return (before.fields, before.response, old.schemas) != (
        after.fields,
        after.response,
        new.schemas,
    )


def _forget_violations(tally: FlowTally) -> None:
    """Judged by a contract the design no longer has: counted again from now on."""
    tally.violations = tally.reply_violations = 0
    tally.violation_example = tally.reply_violation_example = None


def _copy(tally: FlowTally) -> FlowTally:
    return copy.deepcopy(tally)


def _carry_requests(old: Observation, new: Observation, renamed: dict[str, str]) -> None:
    """Requests still waiting for an answer, on flows that kept their traffic."""
    for key, pending in old.pending.items():
        flow_id = renamed.get(pending.flow_id)
        if flow_id is None:
            continue
        pending.flow_id = flow_id
        new.pending.put(key, pending)
        if pending.correlation_id is not None:
            new.pending_by_correlation.put(pending.correlation_id, key)


def _carry_strays(old: Observation, new: Observation) -> None:
    """Undeclared traffic the new design still does not declare."""
    for key, stray in old.undeclared.items():
        use = new.expected.by_broker[stray.broker].get((stray.exchange or "", stray.channel))
        if use is None:
            if stray.flows_here:
                continue  # its address lost its flows: not the same finding any more
        elif not stray.flows_here:
            continue  # the address has a flow now: counted there from now on
        elif any(new.expected.resolve_type(label) in use.messages for label in stray.types):
            continue  # a type seen there is declared now
        else:
            stray.flows_here = tuple(use.flows)
        new.undeclared[key] = stray
    new.undeclared_overflow = old.undeclared_overflow


def _carry_wrong(old: Observation, new: Observation) -> None:
    """A message type on another flow's address that is still not expected there."""
    for key, wrong in old.wrong.items():
        use = new.expected.by_broker[wrong.broker].get(wrong.where)
        if use is None or wrong.message_id in use.messages:
            continue
        if new.design.message(wrong.message_id) is None:
            continue  # no longer a message of the design: not the same finding
        wrong.flows_here = tuple(use.flows)
        new.wrong[key] = wrong
