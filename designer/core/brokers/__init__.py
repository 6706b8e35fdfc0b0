"""Broker configuration derived from a design: topology, RabbitMQ, NATS, Kafka, compose.

Pure functions only (no network): the live `broker apply` lives in `designer.provision`.
"""
