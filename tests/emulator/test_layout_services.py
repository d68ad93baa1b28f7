"""Each service reaches the plumbing only through emulator.core, never another service.

The wiring of the three (the organization's role, the default trust) is emulator/server.py's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import imported

EMULATOR = Path(__file__).resolve().parents[2] / "emulator"
SERVICES = ("codestar_connections", "organizations", "sts")


@pytest.mark.parametrize("package", SERVICES)
def test_a_service_imports_only_the_plumbing_and_itself(package: str) -> None:
    names = {
        name
        for path in (EMULATOR / package).rglob("*.py")
        for name in imported(path, EMULATOR.parent)
    }

    assert "emulator.core.service" in names
    assert {
        name
        for name in names
        if name.startswith("emulator.") and name.split(".")[1] not in {"core", package}
    } == set()


def test_the_plumbing_keeps_the_opt_in_regions_in_one_place() -> None:
    naming = [
        path.relative_to(EMULATOR)
        for path in sorted(EMULATOR.rglob("*.py"))
        if '"af-south-1"' in path.read_text(encoding="utf-8")
    ]

    assert naming == [Path("core/regions.py")]
