"""Each imported flow's `channel`: its address where the naming convention would not give it.

An address every broker takes is kept (or left to the convention when it gives it back);
one no broker would take becomes a clean name; a parameterised address keeps its
parameters as `{name}` segments. Messages a service receives on one shared address each
take their derived channel, so no generated handler is left unsubscribed.
"""

from __future__ import annotations

from collections import defaultdict

from designer.core.channel_parameters import names_in as parameter_names
from designer.core.channels import ChannelNames
from designer.core.io import natural_key
from designer.core.model import (
    Design,
    Flow,
    FlowBindings,
    KafkaTopic,
    MessageKind,
    NodeKind,
    Transport,
)
from designer.core.rules.transport import shared_channel_key

from .channel_addresses import PARAMETER, channel_value, parameterised_channel, usable_channel
from .import_state import ImportNote, ImportState


class FlowChannels(ImportState):
    def _explicit_channels(self, design: Design) -> Design:
        """Keep a flow's `channel` only where the naming convention would not give its address."""
        flows = []
        protocols = {(op.address, op.message): op.protocol for op in self.operations}
        for flow in design.flows:
            address = flow.channel or ""
            protocol = protocols.get((address, flow.message), "")
            if flow.parameters or flow.id in self._design_channels:
                flows.append(self._parameterised(design, flow, protocol))
                continue
            usable = (
                address if flow.id in self._verbatim else usable_channel(address, flow.transport)
            )
            chosen = channel_value(design, flow, address, protocol) if usable == address else None
            if usable != address:
                parameters = PARAMETER.findall(address)
                why = (
                    f"its parameters {', '.join(parameters)} are not a design notion (one channel for every value)"
                    if parameters
                    else "it is not a name every broker takes"
                )
                self.notes.append(
                    ImportNote(
                        "", flow.id, f"address '{address}': {why}: the flow's channel is '{usable}'"
                    )
                )
                # Written only where the convention would not give the cleaned name itself
                # (`/hello` -> `hello` is what a flow of message `hello` is called anyway),
                # as an export of this design is read back.
                derived = channel_value(design, flow, usable, protocol) if usable else None
                chosen = usable if derived is None else derived
                if not usable:
                    self.notes[-1] = ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' holds no name: the flow takes its derived channel name",
                    )
            elif chosen is None:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' does not fit the naming convention on {protocol or 'this broker'}: kept as the flow's channel",
                    )
                )
                chosen = address
            reply = self._reply(design, flow)
            flows.append(flow.model_copy(update={"channel": chosen or None, "reply": reply}))
        return design.model_copy(update={"flows": self._one_message_per_channel(design, flows)})

    def _record_keys(self, design: Design) -> Design:
        """Kafka flows whose message's binding keys records by a payload field keep it
        (`bindings.kafka.key_field`), unless the channel's parameters already make the key."""
        flows = []
        unkept = {m.id for m in self.messages.values() if m.key_field is not None}
        for flow in design.flows:
            key_field = self.messages[flow.message].key_field
            kafka = self._flow_protocols.get(flow.id, "").startswith("kafka")
            if key_field is None or not kafka or flow.id in self._verbatim:
                flows.append(flow)
                continue
            unkept.discard(flow.message)
            if flow.parameters:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"the Kafka key field '{key_field}' is not kept: the channel's "
                        "parameters make the record key",
                    )
                )
                flows.append(flow)
                continue
            bindings = flow.bindings or FlowBindings()
            topic = (bindings.kafka or KafkaTopic()).model_copy(update={"key_field": key_field})
            kept = bindings.model_copy(update={"kafka": topic})
            flows.append(flow.model_copy(update={"bindings": kept}))
        for message_id in sorted(unkept, key=natural_key):
            message = self.messages[message_id]
            self.notes.append(
                ImportNote(
                    "",
                    message_id,
                    f"the Kafka key field '{message.key_field}' of {message.name} is not "
                    "kept: no flow of it goes over Kafka",
                )
            )
        return design.model_copy(update={"flows": flows})

    def _parameterised(self, design: Design, flow: Flow, protocol: str) -> Flow:
        """A flow whose address has parameters: its channel keeps them as `{name}` segments
        (a wildcard for subscribers, the value for senders); those it cannot keep are
        reported, and the address is then cleaned like any other."""
        address = flow.channel or ""
        declared = {p.name for p in flow.parameters}
        if flow.id in self._design_channels:  # msgflow's export of a Kafka topic
            chosen: str | None = self._design_channels[flow.id]
        elif flow.transport is Transport.HTTP:
            chosen = usable_channel(address, flow.transport) or None
        elif flow.id in self._verbatim and channel_value(design, flow, address, protocol):
            chosen = channel_value(design, flow, address, protocol)
        else:
            chosen = parameterised_channel(address, declared)
            if chosen is None:
                chosen = usable_channel(address, flow.transport) or None
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}': its parameters cannot be whole segments of a "
                        f"broker channel: the flow's channel is '{chosen}'",
                    )
                )
            elif chosen != address:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"address '{address}' is the flow's channel '{chosen}' (parameters "
                        f"{', '.join(sorted(declared & set(parameter_names(chosen))))}: "
                        "a wildcard for subscribers, the value for senders)",
                    )
                )
        named = set(parameter_names(chosen or ""))
        parameters = [p for p in flow.parameters if p.name in named]
        for parameter in flow.parameters:
            if parameter.name not in named:
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"parameter {parameter.name} is not in the flow's channel '{chosen}': not kept",
                    )
                )
        return flow.model_copy(
            update={
                "channel": chosen or None,
                "parameters": parameters,
                "reply": self._reply(design, flow),
            }
        )

    def _reply(self, design: Design, flow: Flow) -> str | None:
        """The flow's reply queue, made a usable name; a query without one gets the default,
        written out so the reader sees where answers go (not for addresses kept verbatim)."""
        reply = flow.reply
        if reply and flow.id not in self._verbatim:
            reply = usable_channel(reply, Transport.QUEUE) or None
        message = design.message(flow.message)
        if (
            reply is None
            and message is not None
            and message.kind is MessageKind.QUERY
            and flow.id not in self._verbatim
        ):
            reply = ChannelNames(design).reply_queue(flow)
        return reply

    def _one_message_per_channel(self, design: Design, flows: list[Flow]) -> list[Flow]:
        """Several messages a service receives on one address (a WebSocket's `/`, a
        stream, channels differing only in parameters) each get their derived channel: a
        generated service subscribes one handler per channel, so a shared one would leave
        all but one handler dead (the rule `channel-shared` says the same of a design)."""
        services = {n.id for n in design.nodes if n.kind is NodeKind.SERVICE}
        sharing: dict[tuple[tuple[str, str], str], set[str]] = defaultdict(set)
        for flow in flows:
            key = shared_channel_key(flow)
            if key and flow.target in services and flow.id not in self._verbatim:
                sharing[(key, flow.target)].add(flow.message)
        crowded = {key for key, messages in sharing.items() if len(messages) > 1}
        out = []
        for flow in flows:
            key = shared_channel_key(flow)
            if key is not None and (key, flow.target) in crowded:
                carried = sharing[(key, flow.target)]
                names = sorted(self.messages[m].name for m in carried if m in self.messages)
                self.notes.append(
                    ImportNote(
                        "",
                        flow.id,
                        f"'{flow.channel}' carries {len(names)} messages to {flow.target} "
                        f"({', '.join(names)}): this flow takes its own derived channel",
                    )
                )
                flow = flow.model_copy(update={"channel": None, "parameters": []})
            out.append(flow)
        return out
