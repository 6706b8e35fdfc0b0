"""Auto-layout routes each distinct candidate drawing once and untangles each distinct
start once (layout._Memo): the drawing it picks is the one it picks when every
candidate is worked out afresh."""

from __future__ import annotations

import pytest

from designer.core import layout
from designer.core.io import load
from designer.core.model import Design
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir


class _Forgetful(dict):  # type: ignore[type-arg]
    """A memo that keeps nothing: every look-up misses."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


class _NoMemo(layout._Memo):
    def __init__(self) -> None:
        super().__init__()
        self.drawn = _Forgetful()
        self.untangled = _Forgetful()
        self.quick = _Forgetful()


def _places(design: Design) -> dict[str, tuple[float, float]]:
    return {key: (p.x, p.y) for key, p in design.layout.nodes.items()}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: synthetic_design(30, seed=2), id="synthetic-30-seed-2"),
        pytest.param(lambda: load(examples_dir() / "marketplace.msgflow.json"), id="marketplace"),
    ],
)
def test_reused_candidates_leave_the_drawing_as_worked_out_afresh(
    make, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = make()
    remembered = layout.auto_layout(design)
    routed: list[int] = []
    drawn = layout._drawn
    monkeypatch.setattr(layout, "_Memo", _NoMemo)
    monkeypatch.setattr(layout, "_drawn", lambda d: routed.append(1) or drawn(d))
    afresh = layout.auto_layout(design)
    assert _places(afresh) == _places(remembered)
    assert routed  # the afresh run did route its candidates (nothing bypassed)
