"""Properties of the topology of any valid design (from the synthetic generator)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.brokers import nats, rabbitmq
from designer.core.synthetic import synthetic_design
from designer.core.topology import build
from tests.support.hypothesis_budget import examples


@settings(max_examples=examples(40), deadline=None)
@given(services=st.integers(2, 40), seed=st.integers(0, 10_000))
def test_topology_is_consistent_for_any_design(services: int, seed: int) -> None:
    design = synthetic_design(services, seed=seed)
    topology = build(design)
    amqp = topology.amqp
    exchanges = {e.name for e in amqp.exchanges}
    queues = {q.name: q for q in amqp.queues}
    # Names are unique and every binding connects declared objects.
    assert len(exchanges) == len(amqp.exchanges) and len(queues) == len(amqp.queues)
    for binding in amqp.bindings:
        assert binding.exchange in exchanges and binding.queue in queues
    # Every consuming queue is bound somewhere and dead-letters into a declared queue.
    bound = {b.queue for b in amqp.bindings}
    for queue in queues.values():
        if queue.role == "consume":
            assert queue.name in bound
            assert f"{queue.name}.dlq" in queues
    # JetStream: a subject belongs to one stream only (the server refuses overlaps), each
    # consumer reads a subject of its own stream, queries are never captured by a stream.
    js = topology.jetstream
    owner: dict[str, str] = {}
    for stream in js.streams:
        for subject in stream.subjects:
            assert owner.setdefault(subject, stream.name) == stream.name
    streams = {s.name: s for s in js.streams}
    for consumer in js.consumers:
        assert consumer.filter_subject in streams[consumer.stream].subjects
    assert not set(js.request_subjects) & set(owner)
    # Work-queue streams refuse two consumers on one subject.
    for stream in js.streams:
        if stream.retention == "workqueue":
            filters = [c.filter_subject for c in js.consumers if c.stream == stream.name]
            assert len(filters) == len(set(filters))
    # The generated files are valid JSON and stable.
    assert json.loads(rabbitmq.definitions_json(design)) == json.loads(
        rabbitmq.definitions_json(design)
    )
    assert nats.files(design) == nats.files(design)
