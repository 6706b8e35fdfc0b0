"""The wheel is what users install: it must carry the templates, assets and the command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Builds the wheel: `make test` only.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("msgflow_designer-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_ships_templates_and_examples(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "designer/_data/assets/examples/shop.msgflow.json" in names
    assert any(n.startswith("designer/_data/templates/") and n.endswith(".j2") for n in names)
    assert "designer/core/model.py" in names


def test_wheel_declares_the_msgflow_command(wheel: zipfile.ZipFile) -> None:
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "msgflow = designer.cli:main" in wheel.read(entry_points).decode()


def test_wheel_pins_pyside_below_6_12_on_python_3_11(wheel: zipfile.ZipFile) -> None:
    metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith("METADATA"))).decode()
    assert "Requires-Dist: pyside6-essentials<6.12,>=6.7; python_version < '3.12'" in metadata
