"""Fixtures that start Pulumi's real dynamic provider host against the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.dynamic_host import DynamicHost

# Marker values: if any of them shows up in a pickle, state or log, a credential leaked.
PLANTED = {
    "AWS_ACCESS_KEY_ID": "AKIAPLANTEDKEYID0001",
    "AWS_SECRET_ACCESS_KEY": "planted-secret-access-key-0001",
    "AWS_SESSION_TOKEN": "planted-session-token-0001",
}


def host_env(endpoint_url: str, tmp: Any, **extra: str) -> dict[str, str]:
    """The environment of a provider host that talks to ``endpoint_url`` with planted creds."""
    missing = str(tmp / "no-such-aws-file")
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": missing,
        "AWS_SHARED_CREDENTIALS_FILE": missing,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "3",
        **PLANTED,
        **extra,
    }


@pytest.fixture(scope="module")
def host(emulator_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DynamicHost]:
    running = DynamicHost(host_env(emulator_server.url, tmp_path_factory.mktemp("aws")))
    yield running
    running.close()


HostFactory = Callable[..., DynamicHost]


@pytest.fixture
def host_factory(emulator_server: Any, tmp_path: Path) -> Iterator[HostFactory]:
    """Start hosts with extra env / stack config; all are stopped after the test."""
    started: list[DynamicHost] = []

    def start(config: dict[str, str] | None = None, **env: str) -> DynamicHost:
        started.append(DynamicHost(host_env(emulator_server.url, tmp_path, **env), config))
        return started[-1]

    yield start
    for running in started:
        running.close()
