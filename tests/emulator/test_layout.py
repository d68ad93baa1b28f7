"""The emulator's plumbing knows no service: emulator.core imports nothing of a service."""

from __future__ import annotations

from pathlib import Path

from tests.support.imports import imported

EMULATOR = Path(__file__).resolve().parents[2] / "emulator"


def test_the_plumbing_imports_no_service() -> None:
    crossing = [
        f"{path.relative_to(EMULATOR)} imports {name}"
        for path in sorted((EMULATOR / "core").rglob("*.py"))
        for name in imported(path, EMULATOR.parent)
        if name.startswith("emulator.") and not name.startswith("emulator.core")
    ]

    assert crossing == []


def test_the_service_reaches_the_plumbing_only_through_core() -> None:
    names = {
        name
        for path in (EMULATOR / "codestar_connections").rglob("*.py")
        for name in imported(path, EMULATOR.parent)
    }

    assert "emulator.core.service" in names  # it is a Service
    assert not {
        n
        for n in names
        if n.startswith("emulator.") and n.split(".")[1] not in {"core", "codestar_connections"}
    }
