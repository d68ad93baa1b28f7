"""Fixtures shared by every suite: one in-process emulator per session, clean for each test."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import EmulatorServer
from emulator.client import EmulatorClient
from tests.support.call_log import is_provider_call, mutating_provider_calls

# Every operation the provider and the CLI made this session, as "service:Operation" (shown in
# the terminal summary; what an IAM policy for them must allow).
PROVIDER_OPERATIONS = pytest.StashKey[Counter[str]]()


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

    At teardown the read-only promise is checked for every test that used the emulator: no
    call with the provider's/CLI's user agent may be a write (Create*, Delete*, Update*, Tag*,
    Untag*). Fixture calls carry their own user agent and are not counted.
    """
    client = EmulatorClient(emulator_server.url)
    client.reset()
    yield client
    calls = client.calls()
    tally = request.config.stash.setdefault(PROVIDER_OPERATIONS, Counter())
    tally.update(f"{c['Service']}:{c['Operation']}" for c in calls if is_provider_call(c))
    writes = mutating_provider_calls(calls)
    assert not writes, f"the provider or the CLI made a mutating AWS call: {writes}"


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
