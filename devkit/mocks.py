"""The engine's part for a new ``Connection`` under Pulumi's mocks: Check, then Create.

Mocks in the demo and the tests call the real provider (against the emulator) this way, so the
program sees what ``pulumi up`` would give it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_codestar_connections.dynamic.provider import ConnectionProvider

__all__ = ["CheckFailed", "check_then_create"]


class CheckFailed(Exception):
    """Check refused a Connection's inputs; the engine would print these and stop."""


def check_then_create(inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) of a new Connection, as `pulumi up` computes them; CheckFailed if refused."""
    provider = ConnectionProvider()
    checked = provider.check({}, dict(inputs))
    if checked.failures:
        raise CheckFailed("; ".join(f"{f.property}: {f.reason}" for f in checked.failures))
    created = provider.create(checked.inputs)
    return str(created.id), dict(created.outs or {})
