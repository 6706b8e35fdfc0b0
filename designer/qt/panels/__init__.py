"""Dock panels around the canvas: palette, inspector, messages, problems."""
