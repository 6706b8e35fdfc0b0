"""Canary for the PySide6 6.12.0 / Python 3.11 `none_dealloc` trap.

That release leaks a reference to None on every call of a void method; after enough
calls None's refcount drops to zero and the interpreter aborts with `none_dealloc`.
A canvas drag calls setPos thousands of times, so the pin in pyproject.toml
(`pyside6-essentials<6.12` on Python < 3.12) matters: this test fails loudly if an
environment gets the bad combination.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QGraphicsRectItem


def test_void_calls_do_not_leak_references_to_none(qapp):
    item = QGraphicsRectItem(0, 0, 10, 10)
    for i in range(1000):  # warm up caches and interned objects
        item.setPos(i, i)
    before = sys.getrefcount(None)
    for i in range(100_000):
        item.setPos(i % 500, i % 300)
    after = sys.getrefcount(None)
    # A leak of one reference per call would show as a change of about 100,000.
    assert abs(after - before) < 1000, f"refcount of None moved by {after - before}"
