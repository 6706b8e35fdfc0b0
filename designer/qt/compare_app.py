"""`msgflow gui --compare OLD NEW`: the compare view on its own, e.g. as a git difftool.

git hands a difftool two files (`$LOCAL`, `$REMOTE`); this opens them side by side with
the semantic diff, without a main window, and exits when the view is closed. A file
that does not load is reported with its location on stderr (exit 2), like `msgflow diff`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from designer.core import io
from designer.core.errors import DesignLoadError

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def run_compare(old: str, new: str, *, smoke: bool = False, screenshot: str | None = None) -> int:
    from designer.qt.app import _application
    from designer.qt.compare_view import CompareDialog
    from designer.qt.files import display_name

    designs = []
    for name in (old, new):
        try:
            designs.append(io.load(Path(name)))
        except DesignLoadError as error:
            print(error.describe(), file=sys.stderr)
            return EXIT_BAD_INPUT
    app = _application(smoke)
    dialog = CompareDialog(designs[0], designs[1], display_name(Path(old)), display_name(Path(new)))
    dialog.show()
    if smoke:
        if screenshot:
            dialog.resize(1440, 900)  # the same laptop-sized picture as the main window's
        app.processEvents()
        image = dialog.grab()
        dialog.close()
        if screenshot and not image.save(screenshot, "PNG"):
            print(f"msgflow: cannot write {screenshot}", file=sys.stderr)
            return EXIT_BAD_INPUT
        return EXIT_OK if not image.isNull() else 1
    return app.exec()
