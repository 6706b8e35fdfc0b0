"""A fanout exchange on the real RabbitMQ: every queue bound to it gets every message, and
the routing key plays no part (`bindings.amqp.exchange_type: fanout`).

The shop's OrderCreated goes to Shipping and Notifications through a fanout exchange of
its own. `broker apply` declares the topology in a scratch vhost; the three generated
services run in one subprocess: Orders publishes one OrderCreated and both subscribers
receive it. A message published straight to the exchange with a routing key no binding
names reaches both queues too (a topic exchange would drop it). Run under
`flock /tmp/brokers.lock`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from designer.cli import main
from designer.core import io
from designer.core.model import AmqpQueue, Design, FlowBindings
from designer.resources import examples_dir
from tests.support.brokers import ScratchVhost, rabbitmqctl, require_rabbitmqctl

EXCHANGE = "orders.events.order-created"

SCRIPT = """
import asyncio
import sys
from decimal import Decimal
from uuid import uuid4

import aio_pika

from contracts import OrderCreated
from notifications._generated import Service as Notifications
from notifications.defaults import DefaultHandlers as NotificationsDefaults
from orders._generated import Service as Orders
from orders.defaults import DefaultHandlers as OrdersDefaults
from shipping._generated import Service as Shipping
from shipping.defaults import DefaultHandlers as ShippingDefaults

received = []


class ShippingRecording(ShippingDefaults):
    async def on_order_created(self, message, context):
        received.append(("shipping", str(message.order_id)))


class NotificationsRecording(NotificationsDefaults):
    async def on_order_created(self, message, context):
        received.append(("notifications", str(message.order_id)))


async def main(url, exchange_name):
    services = [
        Shipping(ShippingRecording, broker_url=url),
        Notifications(NotificationsRecording, broker_url=url),
        Orders(OrdersDefaults, broker_url=url),
    ]
    for service in services:
        await service.start()
    order_id = uuid4()
    created = OrderCreated(order_id=order_id, customer_id=uuid4(), lines=[], total=Decimal("1"))
    await services[2].out.publish_order_created(created)
    for _ in range(200):
        if len(received) >= 2:
            break
        await asyncio.sleep(0.05)
    print("RECEIVED", sorted(who for who, got in received if got == str(order_id)))
    for service in services:
        await service.stop()
    # Straight to the exchange, with a routing key no binding names.
    connection = await aio_pika.connect(url)
    channel = await connection.channel()
    exchange = await channel.get_exchange(exchange_name)
    await exchange.publish(aio_pika.Message(b"{}"), routing_key="no.binding.names.this")
    got = []
    for queue_name in ("shipping.order-created", "notifications.order-created"):
        queue = await channel.get_queue(queue_name)
        for _ in range(100):
            message = await queue.get(fail=False)
            if message is not None:
                got.append((queue_name, message.routing_key))
                await message.ack()
                break
            await asyncio.sleep(0.05)
    print("RAW", sorted(got))
    await connection.close()


asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _shop_with_a_fanout() -> Design:
    design = io.load(examples_dir() / "shop.msgflow.json")
    fanout = FlowBindings(amqp=AmqpQueue(exchange_type="fanout"))
    flows = [
        f.model_copy(update={"bindings": fanout}) if f.message == "order-created" else f
        for f in design.flows
    ]
    return design.model_copy(update={"flows": flows})


def test_every_bound_queue_gets_every_message_whatever_its_routing_key(tmp_path: Path) -> None:
    require_rabbitmqctl()
    path = tmp_path / "shop.msgflow.json"
    io.save(_shop_with_a_fanout(), path)
    project = tmp_path / "project"
    assert main(["generate", str(path), "-o", str(project), "--broker", "rabbitmq"]) == 0
    (project / "run_fanout.py").write_text(SCRIPT, encoding="utf-8")
    with ScratchVhost() as vhost:
        assert main(["broker", "apply", str(path), "--url", vhost.url()]) == 0
        listed = rabbitmqctl("list_exchanges", "-p", vhost.name, "name", "type", "--quiet")
        assert f"{EXCHANGE}\tfanout" in listed.stdout, listed.stdout
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        result = subprocess.run(
            [sys.executable, "run_fanout.py", vhost.url(), EXCHANGE],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "RECEIVED ['notifications', 'shipping']" in out, out
    assert (
        "RAW [('notifications.order-created', 'no.binding.names.this'), "
        "('shipping.order-created', 'no.binding.names.this')]" in out
    ), out
