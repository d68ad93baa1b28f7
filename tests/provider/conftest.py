"""The module's provider host: Pulumi's real dynamic provider host against the emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devkit.dynamic_host import DynamicHost
from emulator import EmulatorServer
from tests.support.hosts import host_env


@pytest.fixture(scope="module")
def host(
    emulator_server: EmulatorServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DynamicHost]:
    running = DynamicHost(host_env(emulator_server.url, tmp_path_factory.mktemp("aws")))
    yield running
    running.close()
