"""The two ends of one conversation, recognised across operations and documents.

A query's reply described as an operation of its own is part of the query's flow; an AMQP
RPC by convention (a correlationId request answered on a run-time address) is a query and
its response; a client's and a server's documents naming one message differently on one
address, with the same fields, are one message.
"""

from __future__ import annotations

from collections import defaultdict

from designer.core.model import MessageKind

from .import_state import ImportNote, ImportState


class RequestReply(ImportState):
    def _absorb_reply_operations(self, first: int) -> None:
        """A document describing a query's `reply` and also, as an operation of its own,
        the same service sending (or the requester receiving) on that reply channel: the
        operation is the reply, part of the query's flow, not a second message flow."""
        ops = self.operations[first:]
        for query in [op for op in ops if op.has_reply and op.reply_address is not None]:
            for op in ops:
                if (
                    op in self.operations
                    and op is not query
                    and op.address == query.reply_address
                    and op.node == query.node
                    and op.action != query.action
                    and not op.has_reply
                    and op.message_object in query.reply_objects
                ):
                    self.operations.remove(op)
                    self._absorbed[(op.source, op.op_path)] = (query.source, query.op_path)
                    answer = self.messages[op.message]
                    if not any(o.message == answer.id for o in self.operations):
                        del self.messages[answer.id]
                    self.notes.append(
                        ImportNote(
                            op.source,
                            op.where,
                            f"{op.op_name} carries the reply of {self.messages[query.message].name} "
                            f"on '{op.address}': part of that query's flow",
                        )
                    )

    def _request_reply_by_convention(self, first: int) -> None:
        """One document's RPC by the AMQP convention, without a `reply` object: a message
        with a correlationId answered by one with a correlationId on an address known
        only at run time (`{queue}`, an exclusive queue) is a query and its response."""
        ops = [op for op in self.operations[first:] if self.messages[op.message].correlated]
        replies = [op for op in ops if op.runtime_address]
        requests = [op for op in ops if not op.runtime_address]
        if len(replies) != 1 or len(requests) != 1:
            return
        (reply,), (request,) = replies, requests
        question, answer = self.messages[request.message], self.messages[reply.message]
        if reply.action == request.action or question.kind is not None or answer is question:
            return
        if question.explicit_kind or answer.explicit_kind:
            return
        question.kind = MessageKind.QUERY
        question.response = answer.fields
        question.response_one_of = answer.one_of
        question.response_discriminator = answer.discriminator
        self.operations.remove(reply)
        self._absorbed[(reply.source, reply.op_path)] = (request.source, request.op_path)
        if not any(op.message == answer.id for op in self.operations):
            del self.messages[answer.id]
            self._replies.add(id(answer))
        self.notes.append(
            ImportNote(
                request.source,
                request.where,
                f"{question.name}: taken as a query whose response is {answer.name} (request/reply "
                f"by convention: both carry a correlationId, and {answer.name} goes to the "
                f"requester's own address '{reply.address}')",
            )
        )

    def _link_by_address(self) -> None:
        """A client's and a server's documents naming one message differently: on an
        address where one message is only sent and another only received, with the
        same fields, they are one message (the receiver's name: it handles it)."""
        sides: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for op in self.operations:
            sides[op.address][op.action].add(op.message)
        for address, by_action in sorted(sides.items()):
            sent = by_action["send"] - by_action["receive"]
            received = by_action["receive"] - by_action["send"]
            if len(sent) != 1 or len(received) != 1:
                continue
            (sent_id,), (received_id,) = sent, received
            client, server = self.messages[sent_id], self.messages[received_id]
            if [f.name for f in client.fields] != [f.name for f in server.fields] or (
                client.one_of != server.one_of
            ):
                continue
            if (client.kind or server.kind) and client.kind != server.kind:
                continue
            if any(op.address != address for op in self.operations if op.message == sent_id):
                continue
            for op in self.operations:
                if op.message == sent_id:
                    op.message = received_id
            if server.response is None:
                server.response = client.response
                server.response_one_of = client.response_one_of
                server.response_discriminator = client.response_discriminator
            server.operation_names.extend(client.operation_names)
            del self.messages[sent_id]
            self.notes.append(
                ImportNote(
                    "",
                    received_id,
                    f"{client.name} sent on '{address}' and {server.name} received there have "
                    f"the same fields: one message, {server.name}",
                )
            )
