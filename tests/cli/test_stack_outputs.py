"""``stack-outputs``: every connection ARN in ``pulumi stack output --json``, checked at once."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, assert_usage_error, concurrently

HOST_ARN = "arn:aws:codestar-connections:us-east-1:123456789012:host/ghes-0123456789"


def _connection_outputs(arn: str, name: str, status: str = "AVAILABLE") -> dict[str, Any]:
    """One connection's outputs as this project's program exports them."""
    _, _, service, region, account, _ = arn.split(":", 5)
    return {
        "connectionArn": arn,
        "connectionName": name,
        "providerType": "GitHub",
        "ownerAccountId": account,
        "connectionStatus": status,
        "hostArn": "",
        "tags": {"team": "platform"},
        "host": {},
        "service": service,
        "region": region,
    }


def _stack_outputs(primary: str, *, listed: dict[str, str], extra: list[str]) -> dict[str, Any]:
    """`pulumi stack output --json` of the program (``connectionArn`` plus ``connections``),
    with exports a bigger stack might add beside it: lists, other ARNs, a secret."""
    return {
        **_connection_outputs(primary, "github"),
        **{key: _connection_outputs(arn, key) for key, arn in listed.items()},
        "connectionStatuses": dict.fromkeys(listed, "AVAILABLE"),
        "pipelines": [
            {
                "name": f"svc{index}",
                "sourceConnection": arn,
                "hostArn": HOST_ARN,  # an ARN, but a host's: not looked up
                "roleArn": "arn:aws:iam::123456789012:role/pipeline",
            }
            for index, arn in enumerate(extra)
        ],
        "dbPassword": "[secret]",
        "replicas": 3,
    }


def test_stack_outputs_from_a_file_looks_up_each_distinct_arn_once(
    cli: Cli, emulator: EmulatorClient, tmp_path: Path
) -> None:
    primary = emulator.create_connection("github")
    west = emulator.create_connection("west", region="eu-west-1", service="codeconnections")
    outputs = tmp_path / "outputs.json"
    outputs.write_text(
        json.dumps(_stack_outputs(primary, listed={"gitlab-main": west}, extra=[primary]), indent=4)
    )

    result = cli("stack-outputs", str(outputs))

    assert result.exit_code == 0, result
    rows = result.json()["Connections"]
    assert [(row["ConnectionArn"], row["Outputs"]) for row in rows] == [
        (primary, ["connectionArn", "pipelines[0].sourceConnection"]),
        (west, ["gitlab-main.connectionArn"]),
    ]
    assert rows[0]["ConnectionStatus"] == "AVAILABLE"
    assert sorted(call["Arn"] for call in emulator.calls("GetConnection")) == sorted(
        [primary, west]
    )


def test_stack_outputs_from_stdin_with_status_exits_4_naming_the_output(
    cli: Cli, emulator: EmulatorClient
) -> None:
    good = emulator.create_connection("good")
    pending = emulator.create_connection("pending", status="PENDING")
    document = json.dumps(_stack_outputs(good, listed={}, extra=[pending]))

    result, implicit = concurrently(
        lambda: cli("stack-outputs", "-", "--status", "AVAILABLE", input=document),
        lambda: cli("stack-outputs", "--status", "AVAILABLE,PENDING", input=document),
    )

    assert result.exit_code == 4
    assert result.stderr_lines == [
        f"codestar-connection: connection {pending} (pipelines[0].sourceConnection) "
        "is PENDING, not AVAILABLE"
    ]
    assert [row["ConnectionStatus"] for row in result.json()["Connections"]] == [
        "AVAILABLE",
        "PENDING",
    ]
    assert implicit.exit_code == 0, implicit


def test_stack_outputs_with_a_deleted_connection_exits_3_and_shows_the_rest(
    cli: Cli, emulator: EmulatorClient
) -> None:
    live = emulator.create_connection("live")
    gone = "arn:aws:codestar-connections:us-east-1:123456789012:connection/deleted-0001"

    result = cli(
        "stack-outputs",
        "--output",
        "text",
        "--query",
        "Connections[].[ConnectionArn, ConnectionStatus || Error]",
        input=json.dumps({"a": live, "b": [gone]}),
    )

    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{live}\tAVAILABLE",
        f"{gone}\tResourceNotFoundException",
    ]
    assert f"connection {gone} not found" in result.stderr


def test_stack_outputs_aws_error_wins_over_status(cli: Cli, emulator: EmulatorClient) -> None:
    pending = emulator.create_connection("pending", status="PENDING")
    denied = emulator.create_connection("denied", region="eu-west-1")
    emulator.add_fault("GetConnection", error_code="AccessDeniedException", http_status=400)

    result = cli(
        "stack-outputs",
        "--status",
        "AVAILABLE",
        input=json.dumps([pending, denied]),
        env={"AWS_MAX_ATTEMPTS": "1"},
    )

    assert result.exit_code == 1
    assert "not allowed to read connection" in result.stderr


def test_stack_outputs_looks_connections_up_concurrently(
    cli: Cli, emulator: EmulatorClient
) -> None:
    arns = [emulator.create_connection(f"c{i}") for i in range(8)]
    emulator.add_fault("GetConnection", latency_ms=600, count=-1)

    started = time.monotonic()
    result = cli("stack-outputs", input=json.dumps({"arns": arns}))
    took = time.monotonic() - started

    assert result.exit_code == 0, result
    assert len(result.json()["Connections"]) == 8
    # One after another would take 8 x 0.6 s; a pool of 8 takes about one.
    assert took < 4.0


def test_stack_outputs_as_a_table(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="ERROR")

    result = cli("stack-outputs", "--output", "table", input=json.dumps({"connectionArn": arn}))

    lines = result.stdout.splitlines()
    assert lines[0] == "Connections"
    assert "Outputs" in lines[2]
    assert "connectionArn" in lines[4]
    assert "ERROR" in lines[4]


def test_stack_outputs_without_any_connection_arn_exits_3(
    cli: Cli, emulator: EmulatorClient
) -> None:
    result = cli("stack-outputs", input=json.dumps({"hostArn": HOST_ARN, "n": 1}))

    assert result.exit_code == 3
    assert "no connection ARN in the stack outputs" in result.stderr
    assert emulator.calls() == []


def test_stack_outputs_bad_input_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    not_json = tmp_path / "outputs.txt"
    not_json.write_text("connectionArn = arn:aws:...\n")

    unreadable, garbage, empty_stdin = concurrently(
        lambda: cli("stack-outputs", str(tmp_path / "missing.json")),
        lambda: cli("stack-outputs", str(not_json)),
        lambda: cli("stack-outputs", "-", input=""),
    )

    assert_usage_error(unreadable, mentions="cannot read")
    assert "No such file or directory" in unreadable.stderr
    assert_usage_error(garbage, mentions="is not JSON")
    assert_usage_error(empty_stdin, mentions="standard input is not JSON")
