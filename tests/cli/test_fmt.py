"""`msgflow fmt`: canonical rewriting, --check for CI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from designer.cli import main
from designer.resources import examples_dir


def test_examples_are_canonical(capsys) -> None:  # type: ignore[no-untyped-def]
    files = [str(p) for p in sorted(examples_dir().glob("*.msgflow.json"))]
    assert main(["fmt", "--check", *files]) == 0


def test_check_reports_and_fmt_rewrites(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "shop.msgflow.json"
    raw = json.loads((examples_dir() / "shop.msgflow.json").read_text())
    raw["flows"].reverse()
    target.write_text(json.dumps(raw))
    messy = target.read_bytes()
    assert main(["fmt", "--check", str(target)]) == 1
    assert "not canonical" in capsys.readouterr().out
    assert target.read_bytes() == messy  # --check changes nothing
    assert main(["fmt", str(target)]) == 0
    assert target.read_text() == (examples_dir() / "shop.msgflow.json").read_text()


def test_broken_file_exits_2_with_one_located_line_and_is_untouched(tmp_path: Path) -> None:
    broken = tmp_path / "shop.msgflow.json"
    shutil.copy(examples_dir() / "shop.msgflow.json", broken)
    text = broken.read_text().replace('"to": "shipping"', '"to": "shiping"')
    broken.write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "designer", "fmt", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{broken}: $.flows[1].to: unknown node 'shiping' (did you mean 'shipping'?)"
    )
    assert "Traceback" not in result.stderr
    assert broken.read_text() == text
