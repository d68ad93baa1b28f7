"""``check``: exit 0 when the status is one of --status, 4 when it is not."""

from __future__ import annotations

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, assert_usage_error, concurrently


def test_check_exits_0_when_the_status_matches(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="AVAILABLE")

    result = cli("check", arn, "--status", "AVAILABLE")

    assert result.exit_code == 0, result
    assert result.stderr == ""
    assert result.json()["Connection"]["ConnectionStatus"] == "AVAILABLE"


def test_check_exits_4_and_says_why_when_it_does_not(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")

    result = cli("check", arn, "--status", "AVAILABLE", "--query", "Connection.ConnectionStatus")

    assert result.exit_code == 4
    assert result.stdout == '"PENDING"\n'
    assert result.stderr_lines == [
        f"codestar-connection: connection {arn} is PENDING, not AVAILABLE"
    ]


def test_check_accepts_several_statuses_repeated_or_comma_separated(
    cli: Cli, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github", status="ERROR")

    repeated, separated, neither = concurrently(
        lambda: cli("check", arn, "--status", "AVAILABLE", "--status", "error"),
        lambda: cli("check", "--name", "github", "--status", "PENDING,ERROR"),
        lambda: cli("check", arn, "--status", "AVAILABLE, PENDING"),
    )

    assert (repeated.exit_code, separated.exit_code, neither.exit_code) == (0, 0, 4)
    assert "is ERROR, not AVAILABLE or PENDING" in neither.stderr


def test_check_refuses_a_status_that_does_not_exist(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github")

    result = cli("check", arn, "--status", "AVAILABEL")

    assert_usage_error(result, mentions="'AVAILABEL' is not a connection status")
    assert emulator.calls() == []


def test_check_of_a_missing_connection_exits_3(cli: Cli, emulator: EmulatorClient) -> None:
    result = cli("check", "--name", "ghost", "--status", "AVAILABLE")

    assert result.exit_code == 3
    assert "no connection named 'ghost'" in result.stderr
