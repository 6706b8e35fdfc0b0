"""Operations -> flows: on each address every sender is linked to every receiver.

Across documents, which is how several services' documents meet in one system design. A
send that no imported document receives goes to the actor `external`, as a receive that
none sends comes from it; a service's own send and receive on one address is a flow to
itself. Flow ids come from msgflow's exports (`x-msgflow-flows`) or are numbered, and the
report lists each source operation with the flows it became.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from designer.core.io import natural_key
from designer.core.model import Flow, MessageKind, Transport
from designer.core.unique_names import numbered_name

from .import_state import (
    EXTERNAL_ACTOR,
    ImportNote,
    ImportState,
    MessageSeen,
    OperationOutcome,
    OperationSeen,
    built,
)

PairKey = tuple[str, str, str, str]  # message, sender, receiver, address


class FlowPairing(ImportState):
    def _flows(self) -> list[Flow]:
        by_channel: dict[tuple[str, str], dict[str, list[OperationSeen]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for op in self.operations:
            by_channel[(op.address, op.message)][op.action].append(op)
        pairs: dict[PairKey, tuple[OperationSeen, OperationSeen]] = {}
        # Every source operation behind each pair, for the report of what each became.
        behind: dict[PairKey, list[OperationSeen]] = defaultdict(list)

        def pair(send: OperationSeen, receive: OperationSeen) -> None:
            # One flow per channel: `turnOn` and `turnOff` may carry one message to one service.
            key = (send.message, send.node, receive.node, send.address)
            pairs.setdefault(key, (send, receive))
            behind[key].extend(op for op in (send, receive) if op.op_path)

        for (address, message_id), ops in sorted(by_channel.items()):
            sends, receives = ops["send"], ops["receive"]
            for send in sends:
                for receive in receives:
                    if send.node != receive.node and _may_meet(send, receive):
                        pair(send, receive)
            for op in [*sends, *receives]:
                wanted = "receive" if op.action == "send" else "send"
                ends = receives if op.action == "send" else sends
                documented = {o.node for o in ends if o.node != op.node}
                # Peers a msgflow export names (actors have no document of their own).
                found, _ = self._peer_operations([op], wanted)
                missing = [f for f in found if f.node not in documented]
                for peer in missing:
                    pair(op, peer) if op.action == "send" else pair(peer, op)
                if documented or found:
                    continue
                name = self.messages[message_id].name
                if ends:  # only its own: the service both sends and receives it here
                    if op.action == "send":
                        for own in ends:
                            pair(op, own)
                        self.notes.append(
                            ImportNote(
                                op.source,
                                op.where,
                                f"{name} is sent and received on '{address}' by the same service only: kept as a flow to itself",
                            )
                        )
                    continue
                self._node(
                    EXTERNAL_ACTOR,
                    "External",
                    "what sends and receives outside the imported documents",
                    actor=True,
                )
                outside = replace(op, node=EXTERNAL_ACTOR, action=wanted, extras={}, op_path="")
                if op.action == "send":
                    pair(op, outside)
                    said = f"nobody receives {name} on '{address}' in these documents: drawn to the actor 'external'"
                else:
                    pair(outside, op)
                    said = f"no imported document sends {name} on '{address}': drawn from the actor 'external'"
                self.notes.append(ImportNote(op.source, op.where, said))
        flows = []
        ids = self._flow_ids(pairs)
        for key, (send, receive) in sorted(pairs.items()):
            message_id, source, target, _ = key
            kind = self.messages[message_id].kind
            transport = (
                send.transport
                or receive.transport
                or (Transport.TOPIC if kind is MessageKind.EVENT else Transport.QUEUE)
            )
            if send.design_channel or receive.design_channel:
                self._design_channels[ids[key]] = str(send.design_channel or receive.design_channel)
            if "x-msgflow-flows" in send.extras or "x-msgflow-flows" in receive.extras:
                self._verbatim.add(ids[key])
            elif transport is Transport.HTTP and kind is MessageKind.EVENT:
                # Server-sent events, HTTP streaming: nobody waits for an answer.
                transport = Transport.TOPIC
                self.notes.append(
                    ImportNote(
                        send.source or receive.source,
                        send.where if send.op_path else receive.where,
                        f"event {self.messages[message_id].name} is streamed over http: drawn on a topic (events are asynchronous)",
                    )
                )
            self._flow_protocols[ids[key]] = send.protocol or receive.protocol
            reply = None
            if kind is MessageKind.QUERY and transport is not Transport.HTTP:
                reply = send.reply_address or receive.reply_address
            flows.append(
                built(
                    Flow,
                    {
                        "id": ids[key],
                        "message": message_id,
                        "from": source,
                        "to": target,
                        "transport": transport,
                        "channel": send.address,
                        "reply": reply,
                        "caused_by": send.extras.get("x-msgflow-caused-by"),
                        "timeout_ms": send.extras.get("x-msgflow-timeout-ms"),
                        "parameters": [
                            p.model_dump() for p in (send.parameters or receive.parameters)
                        ],
                        "idempotent": bool(receive.extras.get("x-msgflow-idempotent")),
                        # msgflow's export names each flow's bindings (flow details).
                        "bindings": None
                        if ids[key] in self._verbatim
                        else receive.bindings or send.bindings,
                        "dead_letter": bool(receive.extras.get("x-msgflow-dead-letter")),
                        **_flow_details(send.extras, ids[key]),
                    },
                    send.source or receive.source,
                    send.where if send.op_path else receive.where,
                    "flow",
                )
            )
        became: dict[tuple[str, str], set[str]] = defaultdict(set)
        for pair_key, sources in behind.items():
            for origin in sources:
                became[(origin.source, origin.op_path)].add(ids[pair_key])
        for absorbed, request in self._absorbed.items():
            became[absorbed] = became[request]
        self.outcomes = [
            OperationOutcome(
                source, path, name, tuple(sorted(became[(source, path)], key=natural_key))
            )
            for source, path, name in self._outcome_keys
        ]
        known = set(self.messages)
        kept: list[Flow] = []
        for flow in flows:
            if flow.caused_by and flow.caused_by not in known:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"caused_by '{flow.caused_by}' names no imported message: dropped from the flow",
                    )
                )
                flow = flow.model_copy(update={"caused_by": None})
            kept.append(flow)
        return kept

    def _peer_operations(
        self, ops: list[OperationSeen], action: str
    ) -> tuple[list[OperationSeen], list[OperationSeen]]:
        """The other ends of `ops` as named by a msgflow export (`x-msgflow-flows`), for
        peers known from `x-msgflow-nodes`; and the operations whose peers are unknown."""
        found: list[OperationSeen] = []
        unknown: list[OperationSeen] = []
        for op in ops:
            flows = op.extras.get("x-msgflow-flows")
            peers = flows if isinstance(flows, dict) else {}
            known = sorted({str(p) for p in peers.values() if p in self.nodes and p != op.node})
            if not known:
                unknown.append(op)
            for peer in known:
                found.append(
                    OperationSeen(
                        peer,
                        action,
                        op.address,
                        op.protocol,
                        op.transport,
                        op.message,
                        op.has_reply,
                        op.reply_address,
                        {"x-msgflow-flows": {f: op.node for f, p in peers.items() if p == peer}},
                        op.where,
                        op.source,
                    )
                )
        return found, unknown

    def _flow_ids(
        self, pairs: dict[PairKey, tuple[OperationSeen, OperationSeen]]
    ) -> dict[PairKey, str]:
        """Flow ids kept from `x-msgflow-flows` (a msgflow export), else f1, f2... in order."""
        ids: dict[PairKey, str] = {}
        for key, (send, receive) in pairs.items():
            sent = set(send.extras.get("x-msgflow-flows") or [])
            shared = sent & set(receive.extras.get("x-msgflow-flows") or [])
            if len(shared) == 1:
                ids[key] = str(shared.pop())
        taken = set(ids.values())
        if len(taken) < len(ids):  # ids clashing across documents: number them all afresh
            ids, taken = {}, set()
        counter = 0  # the last number given: each search starts after it (linear, not quadratic)
        for key in sorted(pairs):
            if key in ids:
                continue
            ids[key] = numbered_name("f", taken, start=counter + 1)
            counter = int(ids[key][1:])
            taken.add(ids[key])
        return ids

    def _derived_owner(self, message: MessageSeen, flows: list[Flow]) -> str | None:
        """The publisher of an event, the handler of a command or query, when there is one
        (`external` included: a command only the outside handles is the outside's)."""
        ends = {
            (f.source if message.kind is MessageKind.EVENT else f.target)
            for f in flows
            if f.message == message.id
        }
        return ends.pop() if len(ends) == 1 else None


def _may_meet(send: OperationSeen, receive: OperationSeen) -> bool:
    """Ends on one address are one flow, unless msgflow's export says which flows each
    end belongs to and they share none (RabbitMQ: one routing key on two exchanges)."""
    sent, received = send.extras.get("x-msgflow-flows"), receive.extras.get("x-msgflow-flows")
    if isinstance(sent, dict) and isinstance(received, dict):
        return bool(set(sent) & set(received))
    return True


def _flow_details(extras: dict[str, Any], flow_id: str) -> dict[str, Any]:
    """A flow's description and silenced rules, as msgflow's export keeps them."""
    details = (extras.get("x-msgflow-flow-details") or {}).get(flow_id)
    if not isinstance(details, dict):
        return {}
    return {
        k: v for k, v in details.items() if k in ("description", "suppress", "reply", "bindings")
    }
