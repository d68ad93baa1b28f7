"""``python -m emulator`` as a real process: first line, signals, --state, the loopback warning."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import EmulatorServer
from emulator.client import NO_RETRIES, EmulatorClient

ROOT = Path(__file__).resolve().parents[2]


class Emulator:
    """A ``python -m emulator`` child process that has printed its URL."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        assert ready, "the emulator printed nothing within 30 s"
        self.first_line = self.process.stdout.readline().rstrip("\n")
        match = re.fullmatch(r"listening on (http://[\d.]+:\d+)", self.first_line)
        assert match, f"unexpected first line {self.first_line!r}"
        self.url = match[1]

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        """Send ``signum`` and return (exit code, stderr)."""
        self.process.send_signal(signum)
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr


@pytest.fixture
def launched() -> Iterator[list[Emulator]]:
    """Started emulators, killed at teardown whatever the test did."""
    started: list[Emulator] = []
    yield started
    for emulator in started:
        if emulator.process.poll() is None:
            emulator.process.kill()
            emulator.process.communicate(timeout=30)


def launch(launched: list[Emulator], *args: str) -> Emulator:
    emulator = Emulator(*args)
    launched.append(emulator)
    return emulator


def test_main_prints_the_url_first_and_binds_loopback(launched: list[Emulator]) -> None:
    emulator = launch(launched)

    assert re.fullmatch(r"listening on http://127\.0\.0\.1:\d+", emulator.first_line)
    assert EmulatorClient(emulator.url).health()
    code, stderr = emulator.stop()
    assert code == 0
    assert "warning" not in stderr


def test_main_warns_when_bound_beyond_loopback(launched: list[Emulator]) -> None:
    # No request is sent: the point is the warning, not exposing a port.
    emulator = launch(launched, "--host", "0.0.0.0", "--port", "0")

    code, stderr = emulator.stop()

    assert emulator.first_line.startswith("listening on http://0.0.0.0:")
    assert code == 0
    assert "warning: listening on non-loopback address 0.0.0.0" in stderr


def test_main_exits_cleanly_on_sigint(launched: list[Emulator]) -> None:
    emulator = launch(launched)

    code, stderr = emulator.stop(signal.SIGINT)

    assert (code, stderr) == (0, "")


def test_main_state_survives_kill_9(launched: list[Emulator], tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = launch(launched, "--state", str(state))
    before = EmulatorClient(first.url)
    client = before.boto3_client("codeconnections")
    host = client.create_host(
        Name="h", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gl.example"
    )["HostArn"]
    arns = [
        client.create_connection(
            ConnectionName=f"c{index}", HostArn=host, Tags=[{"Key": "i", "Value": str(index)}]
        )["ConnectionArn"]
        for index in range(3)
    ]
    before.set_status(arns[1], "AVAILABLE")
    listed_before = client.list_connections()["Connections"]

    first.process.kill()
    first.process.communicate(timeout=30)
    second = launch(launched, "--state", str(state))
    after = EmulatorClient(second.url).boto3_client("codeconnections")

    assert after.list_connections()["Connections"] == listed_before
    assert after.get_connection(ConnectionArn=arns[1])["Connection"]["ConnectionStatus"] == (
        "AVAILABLE"
    )
    assert after.list_tags_for_resource(ResourceArn=arns[2])["Tags"] == [{"Key": "i", "Value": "2"}]
    assert after.get_host(HostArn=host)["Name"] == "h"
    # New records still sort after the restored ones.
    newest = after.create_connection(ConnectionName="new", ProviderType="GitHub")["ConnectionArn"]
    listed = after.list_connections()["Connections"]
    assert [connection["ConnectionArn"] for connection in listed] == [*arns, newest]
    assert sorted(os.listdir(tmp_path)) == ["state.json"]


def test_main_uses_the_account_given(launched: list[Emulator]) -> None:
    emulator = launch(launched, "--account", "210987654321", "--connection-limit", "1")
    # botocore retries LimitExceededException as throttling; one attempt keeps the test quick.
    client = EmulatorClient(emulator.url).boto3_client(config=NO_RETRIES)

    arn = client.create_connection(ConnectionName="c", ProviderType="GitHub")["ConnectionArn"]

    assert ":210987654321:connection/" in arn
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_connection(ConnectionName="d", ProviderType="GitHub")


def test_main_refuses_an_account_that_is_not_12_digits() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--account", "42"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "--account: must be 12 digits" in result.stderr
    assert result.stdout == ""


def test_main_refuses_a_corrupt_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json")

    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--state", str(state)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: state file {state} is not valid:")
    assert state.read_text() == "{not json"


def test_main_refuses_a_port_in_use(emulator_server: EmulatorServer) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", str(emulator_server.port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{emulator_server.port}:")


def test_aws_cli_works_through_aws_endpoint_url(
    aws_env: dict[str, str], emulator: EmulatorClient, aws_cli: Path
) -> None:
    arn = emulator.create_connection("cli", service="codeconnections")

    def aws(*args: str) -> dict[str, Any]:
        result = subprocess.run(
            [str(aws_cli), *args, "--output", "json"],
            env=aws_env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        decoded: dict[str, Any] = json.loads(result.stdout)
        return decoded

    got = aws("codestar-connections", "get-connection", "--connection-arn", arn)
    listed = aws("codeconnections", "list-connections")

    assert got == {
        "Connection": {
            "ConnectionName": "cli",
            "ConnectionArn": arn,
            "ProviderType": "GitHub",
            "OwnerAccountId": "123456789012",
            "ConnectionStatus": "AVAILABLE",
        }
    }
    assert listed == {"Connections": [got["Connection"]]}
    assert {call["Operation"] for call in emulator.calls()} == {
        "GetConnection",
        "ListConnections",
    }
