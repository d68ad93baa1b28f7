"""The engine's part for a new ``Connection`` or ``Connections`` under Pulumi's mocks: Check,
then Create.

Mocks in the demo and the tests call the real provider (against the emulator) this way, so the
program sees what ``pulumi up`` would give it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import ResourceProvider

from pulumi_codestar_connections.dynamic.provider import ConnectionProvider, ConnectionsProvider

__all__ = ["CONNECTIONS_TYPE", "CONNECTION_TYPE", "PROVIDERS", "CheckFailed", "check_then_create"]

CONNECTION_TYPE = "pulumi-python:dynamic/codestar:Connection"
CONNECTIONS_TYPE = "pulumi-python:dynamic/codestar:Connections"
# The provider of each resource type, as the engine would unpickle it from ``__provider``.
PROVIDERS: dict[str, type[ResourceProvider]] = {
    CONNECTION_TYPE: ConnectionProvider,
    CONNECTIONS_TYPE: ConnectionsProvider,
}


class CheckFailed(Exception):
    """Check refused a resource's inputs; the engine would print these and stop."""


def check_then_create(
    inputs: Mapping[str, Any], type_: str = CONNECTION_TYPE
) -> tuple[str, dict[str, Any]]:
    """(id, outputs) of a new resource of ``type_`` (a Connection by default), as `pulumi up`
    computes them; CheckFailed if refused."""
    provider = PROVIDERS[type_]()
    checked = provider.check({}, dict(inputs))
    if checked.failures:
        raise CheckFailed("; ".join(f"{f.property}: {f.reason}" for f in checked.failures))
    created = provider.create(checked.inputs)
    return str(created.id), dict(created.outs or {})
