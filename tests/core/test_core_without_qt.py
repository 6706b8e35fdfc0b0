"""`designer.core` and the headless CLI must work on a machine without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from designer.resources import examples_dir

# A meta-path finder that makes every PySide6 import fail, as on a machine without Qt.
HIDE_QT = textwrap.dedent(
    """
    import importlib.abc, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith("PySide6."):
                raise ImportError("PySide6 hidden for this test")
            return None

    sys.meta_path.insert(0, NoQt())
    """
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE_QT + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_headless_cli_runs_with_pyside6_unavailable() -> None:
    shop = examples_dir() / "shop.msgflow.json"
    result = _run(
        f"""
        import sys
        from designer.cli import main
        code = main(["fmt", "--check", {str(shop)!r}])
        assert not any(m.startswith("PySide6") for m in sys.modules), "Qt was imported"
        sys.exit(code)
        """
    )
    assert result.returncode == 0, result.stderr


def test_import_contracts_keep_qt_and_the_cli_out_of_the_core() -> None:
    # `lint-imports` (in `make lint`) checks every import statically, so importing each
    # core module with Qt hidden would only repeat it. What it cannot see is its own
    # contract going missing: check the contracts it runs still forbid what they must.
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    contracts = tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]
    forbidden_from_core = {
        module
        for contract in contracts
        if contract["type"] == "forbidden" and contract["source_modules"] == ["designer.core"]
        for module in contract["forbidden_modules"]
    }
    assert {"PySide6", "designer.qt", "designer.cli"} <= forbidden_from_core


def test_a_layers_contract_orders_the_core_from_the_model_up() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    contracts = tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [c for c in contracts if c["type"] == "layers"]
    assert layers["containers"] == ["designer.core"]
    assert layers["layers"][-1].startswith("model")
