"""Servers of AsyncAPI documents: each channel's protocol, and brokers' hosts kept.

A broker's host is kept in `settings.generate.asyncapi_servers` (the AsyncAPI export names
it instead of localhost); servers with variables, paths or protocols no msgflow broker
speaks are reported. WebSocket, MQTT and other protocols are asynchronous, never http.
"""

from __future__ import annotations

from typing import Any

from designer.core.errors import json_path

from .import_state import ImportState
from .spec_loading import Spec

# Where a foreign document's broker servers are kept (the AsyncAPI export reads them).
SERVERS_SETTING = "asyncapi_servers"
BROKER_PROTOCOLS = frozenset({"amqp", "amqps", "nats", "kafka", "kafka-secure", "redis"})


class ServerReading(ImportState):
    def _protocols(self, spec: Spec) -> dict[str, str]:
        servers = spec.data.get("servers") or {}
        result: dict[str, str] = {}
        for key, server in servers.items() if isinstance(servers, dict) else []:
            target, _ = spec.deref(server, json_path(("servers", key)))
            if isinstance(target, dict):
                result[str(key)] = str(target.get("protocol", "")).lower()
                where = str(target.get("url") or target.get("host") or "")
                if where and not self._from_msgflow:
                    self._keep_server(str(key), result[str(key)], where)
        known = {
            "amqp",
            "amqps",
            "nats",
            "kafka",
            "kafka-secure",
            "redis",
            "http",
            "https",
        }
        for key, protocol in result.items():
            if protocol not in known:
                # WebSocket, MQTT, STOMP...: messages flow both ways without a request
                # waiting for its answer, so they are asynchronous, never http.
                self._note(
                    json_path(("servers", key)),
                    f"protocol '{protocol}' has no msgflow broker: its channels are asynchronous, "
                    "events on topics, commands and queries on queues",
                )
        return result

    def _keep_server(self, key: str, protocol: str, where: str) -> None:
        """A broker's host kept in `settings.generate.asyncapi_servers` (the AsyncAPI export
        names it instead of localhost); other servers are reported."""
        at = json_path(("servers", key))
        host = where.split("://", 1)[-1].rstrip("/")  # a 2.x url: scheme://host:port
        if protocol not in BROKER_PROTOCOLS:
            why = f"no msgflow broker speaks {protocol}" if protocol else "no protocol given"
            self._note(at, f"server {protocol} {where} is not part of a design ({why}): not kept")
            return
        if "{" in host or "/" in host:  # server variables or a path: not a plain host
            self._note(
                at, f"server {protocol} {where} has variables or a path, not a plain host: not kept"
            )
            return
        kept = self.servers.setdefault(key, {"host": host, "protocol": protocol})
        if kept != {"host": host, "protocol": protocol}:
            self._note(
                at, f"another document's server '{key}' is kept ({kept['host']}): not this one"
            )
            return
        self._note(
            at,
            f"server {protocol} {host} kept in settings.generate.asyncapi_servers: the AsyncAPI "
            "export names it; generated code connects to the broker URL it is given",
        )

    def _protocol_of(self, servers: Any, protocols: dict[str, str], at: str) -> str:
        if isinstance(servers, list) and servers:
            first = servers[0]
            if isinstance(first, str):
                name = first.rsplit("/", 1)[-1]
            elif isinstance(first, dict):
                name = str(first.get("$ref", "")).rsplit("/", 1)[-1]
            else:  # `servers: [null]`, a number: names no server (it crashed here)
                name = ""
            if name in protocols:
                return protocols[name]
        values = sorted(set(protocols.values()))
        if len(values) > 1:
            broker = [p for p in values if p not in ("http", "https")]
            if broker:
                return broker[0]
        return values[0] if values else ""
