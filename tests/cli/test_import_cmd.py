"""`msgflow import asyncapi`: a design file from documents, a report of what was not mapped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io

DATA = Path(__file__).resolve().parents[1] / "data" / "asyncapi"


def test_import_writes_a_loadable_design_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "system.msgflow.json"
    specs = [str(DATA / n) for n in ("orders-3.0.yaml", "customers-3.0.json", "shipping-2.6.yaml")]
    assert main(["import", "asyncapi", *specs, "-o", str(out), "--name", "Shop"]) == 0
    design = io.load(out)
    # 3 flows between the services, and 2 events nobody imported receives (to `external`)
    assert design.name == "Shop" and len(design.flows) == 5
    printed = capsys.readouterr().out
    assert "3 service(s)" in printed and "not mapped exactly" in printed
    assert "6 source operation(s) and the flows they became:" in printed
    assert (
        "shipping-2.6.yaml: $.channels['parcel.shipped'].subscribe (announceShipment) -> f"
        in printed
    )
    assert "headers of OrderCreated" in printed
    assert main(["fmt", "--check", str(out)]) == 0  # written canonically


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken.yaml", "broken.yaml: line 7 column 1: not valid YAML/JSON"),
        (
            "dangling-ref.yaml",
            "$.channels.a.messages.M: $ref '#/components/messages/Missing' points to nothing",
        ),
        ("missing.yaml", "missing.yaml: $: no such file"),
    ],
)
def test_hostile_input_exits_2_with_a_located_error_and_no_traceback(
    tmp_path: Path, name: str, expected: str
) -> None:
    out = tmp_path / "x.msgflow.json"
    done = subprocess.run(
        [sys.executable, "-m", "designer", "import", "asyncapi", str(DATA / name), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
