"""AWS and network errors exit 1 with AWS's reason; --debug logs each call, never a credential."""

from __future__ import annotations

import json
import re
import socket

from emulator.client import EmulatorClient
from tests.cli.conftest import PLANTED, Cli, concurrently


def test_access_denied_exits_1_naming_the_action_to_grant(
    cli: Cli, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github")
    emulator.add_fault("GetConnection", error_code="AccessDeniedException", http_status=400)

    result = cli("get", arn)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr_lines) == 1
    assert "grant codestar-connections:GetConnection" in result.stderr


def test_an_unreachable_endpoint_exits_1(cli: Cli) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"

    result = cli(
        "get", arn, "--endpoint-url", f"http://127.0.0.1:{port}", env={"AWS_MAX_ATTEMPTS": "1"}
    )

    assert result.exit_code == 1
    assert "could not reach the codestar-connections endpoint" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_logs_each_call_and_no_credential(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")
    emulator.add_fault("GetConnection", error_code="ThrottlingException", http_status=400)

    result, listing = concurrently(
        lambda: cli("--debug", "get", arn, env=PLANTED),
        lambda: cli("list", "--provider-type", "GitHub", "--debug", env=PLANTED),
    )

    assert result.exit_code == 0, result
    debug = [line for line in result.stderr_lines if line.startswith("debug: ")]
    assert len(debug) == 1
    assert re.search(
        rf"GetConnection ConnectionArn={re.escape(arn)} -> HTTP 200 PENDING "
        r"\(attempts 2, \d+ ms\)",
        debug[0],
    ), debug
    assert "ListConnections ProviderTypeFilter=GitHub -> HTTP 200 1 connection(s), last page" in (
        listing.stderr
    )
    assert "region us-east-1 (from AWS_DEFAULT_REGION)" in listing.stderr
    for output in (result.stdout, result.stderr, listing.stdout, listing.stderr):
        for secret in PLANTED.values():
            assert secret not in output
        assert "Authorization" not in output
        assert "Signature" not in output


def test_debug_logs_a_failed_call_with_its_error_code(cli: Cli, emulator: EmulatorClient) -> None:
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/missing"

    result = cli("get", arn, "--debug")

    assert result.exit_code == 3
    assert f"GetConnection ConnectionArn={arn} -> HTTP 400 ResourceNotFoundException" in (
        result.stderr
    )


def test_every_command_is_read_only(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github")
    results = concurrently(
        lambda: cli("get", arn),
        lambda: cli("get", "--name", "github"),
        lambda: cli("list"),
        lambda: cli("check", arn, "--status", "AVAILABLE"),
        lambda: cli("wait", arn, "--status", "AVAILABLE"),
        lambda: cli("stack-outputs", input=json.dumps({"connectionArn": arn})),
    )

    assert [result.exit_code for result in results] == [0] * 6

    operations = {call["Operation"] for call in emulator.calls()}
    assert operations == {"GetConnection", "ListConnections"}
    user_agents = {call["UserAgent"] for call in emulator.calls()}
    assert all("pulumi-codestar-connections/" in agent for agent in user_agents)
