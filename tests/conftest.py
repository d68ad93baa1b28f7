"""Fixtures shared by every suite: one in-process emulator per session, clean for each test."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.dynamic_host import DynamicHost
from emulator import EmulatorServer
from emulator.client import EmulatorClient
from tests.support.call_log import (
    PROVIDER_OPERATIONS,
    is_provider_call,
    mutating_provider_calls,
    unlisted_provider_actions,
)
from tests.support.hosts import HostFactory, host_env

# The tools some tests need (the Pulumi CLI with each language host, cached venvs), each from
# the one fixture that makes it when it is missing.
pytest_plugins = ["tests.support.tools"]


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    """The emulator, listening on a free loopback port for the whole session."""
    with EmulatorServer(port=0) as server:
        yield server


@pytest.fixture(scope="session")
def moto_sts() -> Iterator[str]:
    """moto's STS on loopback: AssumeRole hands out real-looking temporary credentials."""
    from moto.server import ThreadedMotoServer  # only the suites that read through a role

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def emulator(
    emulator_server: EmulatorServer, request: pytest.FixtureRequest
) -> Iterator[EmulatorClient]:
    """The control client, after wiping connections, hosts, faults and calls.

    At teardown the read-only and least-privilege promises are checked for every test that used
    the emulator: no call with the provider's/CLI's user agent may be a write (Create*, Delete*,
    Update*, Tag*, Untag*) or an action the README's IAM policy does not grant. Fixture calls
    carry their own user agent and are not counted.
    """
    client = EmulatorClient(emulator_server.url)
    client.reset()
    yield client
    calls = client.calls()
    tally = request.config.stash.setdefault(PROVIDER_OPERATIONS, Counter())
    tally.update(f"{c['Service']}:{c['Operation']}" for c in calls if is_provider_call(c))
    writes = mutating_provider_calls(calls)
    assert not writes, f"the provider or the CLI made a mutating AWS call: {writes}"
    unlisted = unlisted_provider_actions(calls)
    assert not unlisted, f"actions the README's IAM policy does not grant: {sorted(unlisted)}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    tally = terminalreporter.config.stash.get(PROVIDER_OPERATIONS, None)
    if tally:
        made = ", ".join(f"{operation} x{count}" for operation, count in sorted(tally.items()))
        terminalreporter.write_line(f"AWS operations made by the provider and the CLI: {made}")


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


@pytest.fixture
def host_factory(emulator_server: EmulatorServer, tmp_path: Path) -> Iterator[HostFactory]:
    """Start provider hosts with extra env / stack config; all are stopped after the test.

    ``host_factory(config, unset=("AWS_PROFILE",), AWS_MAX_ATTEMPTS="1")``: ``config`` is the
    stack config the engine would send, ``unset`` variables are removed, the rest set.
    """
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
