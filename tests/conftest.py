import gc
import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import settings

from designer.core import io
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.hypothesis_budget import FAST

# Every test that touches Qt renders offscreen, with or without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests that name no example count of their own try 20 in make check's fast loop
# (those that do name one scale it with hypothesis_budget.examples).
settings.register_profile("fast", max_examples=20)
if FAST:
    settings.load_profile("fast")


@pytest.fixture
def shop() -> Design:
    """The shop example, loaded afresh for each test (it may change it)."""
    return io.load(examples_dir() / "shop.msgflow.json")


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Windows a Qt test leaves are deleted before the next test starts.

    pytest-qt closes a test's widgets with `deleteLater`, and Qt deletes them only when an
    event loop next runs: often inside the next test's nested loop (an export's progress
    loop, say), with Python's collector sweeping their wrappers at the same time. One CI
    worker crashed there (a segmentation fault while collecting inside `run_busy`). Here
    the deferred deletions run, and the collector sweeps, at the end of the test that made
    them, where nothing else is running.
    """
    yield
    if "PySide6.QtCore" not in sys.modules:
        return  # the test never loaded Qt
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is None:
        return
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
