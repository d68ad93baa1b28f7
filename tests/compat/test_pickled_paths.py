"""The provider classes pickled into every release's state load, from the paths it names.

dill stores each dynamic provider by reference (module path and class name) in every
resource's ``__provider`` input: a user's state names them, so moving or renaming one breaks
every stack that holds it. This reads the snapshots (tests/compat/v*/, and their ``listing/``)
without the engine; test_state_compat.py replays them on it.
"""

from __future__ import annotations

import json
import pickletools
from pathlib import Path

import dill
import pytest

from tests.compat.test_state_compat import SNAPSHOTS, pickled_providers

# Every class a release's state names, at its path. A path is added, never removed or moved.
PICKLED_PATHS = {
    "pulumi_codestar_connections.dynamic.provider.ConnectionProvider",  # Connection, 0.1.0
    "pulumi_codestar_connections.dynamic.provider.ConnectionsProvider",  # Connections, 0.1.0
}
STATES = sorted(
    path
    for snapshot in SNAPSHOTS
    for path in (snapshot / "stack.json", snapshot / "listing" / "stack.json")
    if path.is_file()
)


def named_class(pickled: bytes) -> str:
    """The ``module.Class`` a pickle refers to (read from its opcodes, without importing)."""
    strings = [arg for op, arg, _ in pickletools.genops(pickled) if op.name.endswith("UNICODE")]
    module, name = strings[:2]
    return f"{module}.{name}"


@pytest.mark.parametrize("state", STATES, ids=lambda p: str(p.parent.relative_to(p.parents[2])))
def test_each_pickled_provider_loads_as_the_class_its_state_names(state: Path) -> None:
    providers = pickled_providers(json.loads(state.read_text()))

    assert providers
    for pickled in providers:
        path = named_class(pickled)
        restored = dill.loads(pickled)
        assert path in PICKLED_PATHS
        assert f"{type(restored).__module__}.{type(restored).__qualname__}" == path
        assert vars(restored) == {}


def test_every_pinned_path_is_held_by_a_snapshot() -> None:
    held = {
        named_class(pickled)
        for state in STATES
        for pickled in pickled_providers(json.loads(state.read_text()))
    }

    assert held == PICKLED_PATHS
