from __future__ import annotations

import pytest

from designer.core import io
from designer.core.model import Design
from designer.resources import examples_dir


@pytest.fixture
def shop() -> Design:
    return io.load(examples_dir() / "shop.msgflow.json")
