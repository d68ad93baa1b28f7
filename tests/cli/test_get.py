"""``get``: one connection, by ARN or by name, in json / text / table, with --query."""

from __future__ import annotations

import pytest

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, concurrently


def test_get_by_arn_prints_get_connections_document(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="PENDING")

    result = cli("get", arn)

    assert result.exit_code == 0, result
    assert result.stderr == ""
    assert result.json() == {
        "Connection": {
            "ConnectionName": "github",
            "ConnectionArn": arn,
            "ProviderType": "GitHub",
            "OwnerAccountId": "123456789012",
            "ConnectionStatus": "PENDING",
        }
    }
    # The AWS CLI's JSON: 4-space indent, members in the service model's order.
    assert result.stdout.startswith('{\n    "Connection": {\n        "ConnectionName": "github",')


def test_get_reads_the_region_and_service_from_the_arn(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("gl", region="eu-west-1", service="codeconnections")

    result = cli("get", arn, "--region", "us-west-2")

    assert result.exit_code == 0, result
    assert result.json()["Connection"]["ConnectionArn"] == arn
    [call] = emulator.calls("GetConnection")
    assert (call["Service"], call["Region"]) == ("codeconnections", "eu-west-1")


def test_get_shows_the_host_of_a_self_managed_connection(
    cli: Cli, emulator: EmulatorClient
) -> None:
    host_arn = emulator.create_host()
    arn = emulator.create_connection("ghes", host_arn=host_arn)

    result = cli("get", arn)

    assert result.json()["Connection"]["HostArn"] == host_arn
    assert result.json()["Connection"]["ProviderType"] == "GitHubEnterpriseServer"


def test_get_by_name_lists_every_page_and_finds_the_one(cli: Cli, emulator: EmulatorClient) -> None:
    for index in range(120):
        emulator.create_connection(f"other-{index}")
    arn = emulator.create_connection("needle")

    result = cli("get", "--name", "needle")

    assert result.exit_code == 0, result
    assert result.json()["Connection"]["ConnectionArn"] == arn
    assert len(emulator.calls("ListConnections")) == 2


def test_get_by_name_uses_region_flag_then_aws_region(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("west", region="eu-west-1")

    by_flag, by_env, default = concurrently(
        lambda: cli("get", "--name", "west", "--region", "eu-west-1"),
        lambda: cli("get", "--name", "west", env={"AWS_REGION": "eu-west-1"}),
        lambda: cli("get", "--name", "west"),
    )

    assert by_flag.json()["Connection"]["ConnectionArn"] == arn
    assert by_env.json()["Connection"]["ConnectionArn"] == arn
    assert default.exit_code == 3
    assert "no connection named 'west'" in default.stderr
    assert "us-east-1" in default.stderr


def test_get_by_name_without_any_region_is_a_usage_error(
    cli: Cli, emulator: EmulatorClient
) -> None:
    result = cli("get", "--name", "x", env={"AWS_DEFAULT_REGION": None, "AWS_REGION": None})

    assert result.exit_code == 2
    assert "no AWS region" in result.stderr
    assert "--region" in result.stderr
    assert emulator.calls() == []


def test_get_by_name_narrowed_by_provider_type(cli: Cli, emulator: EmulatorClient) -> None:
    emulator.create_connection("shared", provider_type="GitHub")
    bitbucket = emulator.create_connection("shared", provider_type="Bitbucket")

    ambiguous, narrowed = concurrently(
        lambda: cli("get", "--name", "shared"),
        lambda: cli("get", "--name", "shared", "--provider-type", "bitbucket"),
    )

    assert ambiguous.exit_code == 2
    assert "2 connections are named 'shared'" in ambiguous.stderr
    assert narrowed.exit_code == 0, narrowed
    assert narrowed.json()["Connection"]["ConnectionArn"] == bitbucket


def test_get_by_name_in_the_codeconnections_api(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("new-api", service="codeconnections")

    result = cli("get", "--name", "new-api", "--service", "codeconnections")

    assert result.json()["Connection"]["ConnectionArn"] == arn


def test_get_of_a_missing_connection_exits_3(cli: Cli, emulator: EmulatorClient) -> None:
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/does-not-exist"

    result = cli("get", arn)

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr_lines == [
        f"codestar-connection: error: connection {arn} not found in us-east-1 "
        "(ResourceNotFoundException): check the ARN, region and account"
    ]


def test_get_text_output_is_the_aws_clis_text(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github")

    result = cli("get", arn, "--output", "text")

    # Scalar members sorted by name, prefixed with the enclosing key, tab-separated.
    assert result.stdout == f"CONNECTION\t{arn}\tgithub\tAVAILABLE\t123456789012\tGitHub\n"


def test_get_table_output_shows_one_field_per_line(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github", status="ERROR")

    result = cli("get", arn, "--output", "table")

    lines = result.stdout.splitlines()
    assert lines[0] == "Connection"
    assert any(line.startswith("| ConnectionStatus | ERROR ") for line in lines)
    assert any(arn in line for line in lines)
    assert "\x1b[" not in result.stdout  # not a terminal: no colour


@pytest.mark.parametrize(
    ("query", "output", "expected"),
    [
        ("Connection.ConnectionStatus", "text", "PENDING\n"),
        ("Connection.ConnectionStatus", "json", '"PENDING"\n'),
        ("Connection.[ConnectionName, ProviderType]", "text", "github\tGitHub\n"),
        ("Connection.HostArn", "json", "null\n"),
        ("length(Connection.ConnectionName)", "text", "6\n"),
    ],
)
def test_get_query_applies_jmespath_like_the_aws_cli(
    cli: Cli, emulator: EmulatorClient, query: str, output: str, expected: str
) -> None:
    arn = emulator.create_connection("github", status="PENDING")

    result = cli("get", arn, "--query", query, "--output", output)

    assert result.exit_code == 0, result
    assert result.stdout == expected


def test_global_flags_work_before_the_command_too(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github")

    result = cli("--output", "text", "--query", "Connection.ConnectionName", "get", arn)

    assert result.stdout == "github\n"


def test_endpoint_url_flag_sends_calls_there(cli: Cli, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github")

    result = cli(
        "get",
        arn,
        "--endpoint-url",
        emulator.url,
        env={
            "AWS_ENDPOINT_URL": None,
            # A service-specific variable beats AWS_ENDPOINT_URL in botocore; the flag must win.
            "AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS": "http://127.0.0.1:9",
        },
    )

    assert result.exit_code == 0, result
    assert result.json()["Connection"]["ConnectionArn"] == arn
