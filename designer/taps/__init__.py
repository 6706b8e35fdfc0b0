"""Taps on live brokers for `msgflow observe`: network I/O, so outside `designer.core`."""

from __future__ import annotations

from .session import SCHEMES, TapError, broker_of, watch

__all__ = ["SCHEMES", "TapError", "broker_of", "watch"]
