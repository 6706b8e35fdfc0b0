import os

# Every test that touches Qt renders offscreen, with or without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
