"""Where the shipped `templates/` and `assets/` folders are, in a checkout or in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name  # inside a wheel (see pyproject force-include)
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name  # a source checkout or an editable install


def templates_dir() -> Path:
    return _data_dir("templates")


def assets_dir() -> Path:
    return _data_dir("assets")


def examples_dir() -> Path:
    return assets_dir() / "examples"
