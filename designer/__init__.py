"""Msgflow Designer: draw message-driven systems, validate them, generate code from them."""

__version__ = "0.1.0"
