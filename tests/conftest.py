"""Fixtures shared by every suite: one in-process emulator per session, clean for each test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import EmulatorServer
from emulator.client import EmulatorClient


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """The emulator, listening on a free loopback port for the whole session."""
    with EmulatorServer(port=0) as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorClient:
    """The control client, after wiping connections, hosts, faults and calls."""
    client = EmulatorClient(emulator_server.url)
    client.reset()
    return client


@pytest.fixture
def aws_env(
    monkeypatch: pytest.MonkeyPatch, emulator: EmulatorClient, tmp_path: Path
) -> dict[str, str]:
    """Point boto3 and the AWS CLI at the emulator, away from any real account.

    Returns the whole resulting environment, ready for ``subprocess.run(..., env=aws_env)``.
    """
    missing = tmp_path / "no-aws-config"
    for name in list(os.environ):
        # Service-specific endpoint variables would win over AWS_ENDPOINT_URL.
        if name.startswith("AWS_ENDPOINT_URL_"):
            monkeypatch.delenv(name)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(missing / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(missing / "credentials"))
    return dict(os.environ)
