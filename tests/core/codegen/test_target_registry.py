"""The built-in targets are all there, or generation stops with the import error."""

from __future__ import annotations

import pytest

from designer.core.codegen import targets


def test_every_built_in_target_module_registers_its_targets() -> None:
    assert {"python", "rabbitmq", "nats", "kafka", "compose", "asyncapi"} <= set(
        targets.available()
    )


def test_a_target_module_that_cannot_be_imported_fails_loudly_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(targets, "_loaded", False)
    monkeypatch.setattr(
        targets, "TARGET_MODULES", [*targets.TARGET_MODULES, "designer.core.codegen.no_such"]
    )
    for _ in range(2):  # not only the first call: the registry never passes for complete
        with pytest.raises(ModuleNotFoundError, match="no_such"):
            targets.available()
