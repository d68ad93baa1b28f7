"""Fixtures of the reliability and security suite: hypothesis profiles, hosts, moto's STS.

Hypothesis profiles (``HYPOTHESIS_PROFILE``, default ``ci``):

    ci     500 examples per property: the CI run
    deep   10,000 examples per property: ``HYPOTHESIS_PROFILE=deep .venv/bin/pytest
           tests/reliability -k property`` (see the README's Reliability section)

Properties that start processes (the gRPC host, the CLI) pin their own, small example count.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from emulator import EmulatorServer
from tests.provider.conftest import host_env
from tests.support.dynamic_host import DynamicHost

__all__ = [
    "HostFactory",
    "Stopwatch",
    "assumed_role_secrets",
    "host_factory",
]

# Example generation and shrinking share two cores with other work: no deadlines, no
# too-slow verdicts, only counts.
_SHARED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=500, **_SHARED)  # type: ignore[arg-type]
settings.register_profile("deep", max_examples=10_000, **_SHARED)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HostFactory = Callable[..., DynamicHost]


@pytest.fixture
def host_factory(emulator_server: EmulatorServer, tmp_path: Path) -> Iterator[HostFactory]:
    """Start provider hosts with extra env / stack config; all are stopped after the test."""
    started: list[DynamicHost] = []

    def start(
        config: dict[str, str] | None = None, *, unset: tuple[str, ...] = (), **env: str
    ) -> DynamicHost:
        environment = host_env(emulator_server.url, tmp_path, **env)
        for name in unset:
            environment.pop(name, None)
        started.append(DynamicHost(environment, config))
        return started[-1]

    yield start
    for running in started:
        running.close()


def assumed_role_secrets() -> set[str]:
    """Every temporary credential moto's STS has issued in this process (key, secret, token)."""
    from moto.sts.models import sts_backends

    secrets: set[str] = set()
    for account in sts_backends:
        for backend in sts_backends[account].values():
            for role in backend.assumed_roles:
                secrets |= {role.access_key_id, role.secret_access_key, role.session_token}
    return secrets


class Stopwatch:
    """Wall-clock seconds of a block: ``with Stopwatch() as took: ...; took.seconds``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.monotonic()
        return self

    def __exit__(self, *_: Any) -> None:
        self.seconds = time.monotonic() - self._started
