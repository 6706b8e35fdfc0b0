import os

from hypothesis import settings

from tests.support.hypothesis_budget import FAST

# Every test that touches Qt renders offscreen, with or without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests that name no example count of their own try 20 in make check's fast loop
# (those that do name one scale it with hypothesis_budget.examples).
settings.register_profile("fast", max_examples=20)
if FAST:
    settings.load_profile("fast")
