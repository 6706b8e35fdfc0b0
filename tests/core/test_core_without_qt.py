"""`designer.core` and the headless CLI must work on a machine without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap
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


def test_every_core_module_imports_with_pyside6_unavailable() -> None:
    result = _run(
        """
        import importlib, pkgutil, sys
        import designer.core
        names = [m.name for m in pkgutil.walk_packages(designer.core.__path__, "designer.core.")]
        for name in names:
            importlib.import_module(name)
        assert not any(m.startswith("PySide6") for m in sys.modules), "Qt was imported"
        print(len(names))
        """
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 8


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


def test_import_contract_is_declared() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert 'source_modules = ["designer.core"]' in pyproject
    assert '"PySide6"' in pyproject
