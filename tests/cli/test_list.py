"""``list``: every connection of a region, all pages, filtered as AWS filters."""

from __future__ import annotations

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, concurrently


def test_list_reads_every_page(cli: Cli, emulator: EmulatorClient) -> None:
    arns = {emulator.create_connection(f"c{index:03d}") for index in range(230)}
    emulator.create_connection("elsewhere", region="eu-west-1")

    result = cli("list")

    assert result.exit_code == 0, result
    listed = result.json()["Connections"]
    assert len(listed) == 230
    assert {connection["ConnectionArn"] for connection in listed} == arns
    assert "NextToken" not in result.json()
    # 100 + 100 + 30: the largest page size, every page once.
    assert len(emulator.calls("ListConnections")) == 3


def test_list_filters_by_provider_type_and_host(cli: Cli, emulator: EmulatorClient) -> None:
    host_arn = emulator.create_host(
        "gl", provider_type="GitLabSelfManaged", endpoint="https://gitlab.example"
    )
    on_host = emulator.create_connection("on-host", host_arn=host_arn)
    github = emulator.create_connection("gh", provider_type="GitHub")
    emulator.create_connection("bb", provider_type="Bitbucket")

    by_type, by_host = concurrently(
        lambda: cli("list", "--provider-type", "GitHub", "--query", "Connections[].ConnectionArn"),
        lambda: cli("list", "--host-arn", host_arn, "--query", "Connections[].ConnectionArn"),
    )

    assert by_type.json() == [github]
    assert by_host.json() == [on_host]


def test_list_in_text_has_one_row_per_connection_with_shared_columns(
    cli: Cli, emulator: EmulatorClient
) -> None:
    host_arn = emulator.create_host(endpoint="https://g.example")
    cloud = emulator.create_connection("cloud")
    hosted = emulator.create_connection("hosted", host_arn=host_arn, status="PENDING")

    result = cli("list", "--output", "text")

    # As the AWS CLI prints a list: the union of members, sorted, '' where one is missing.
    assert sorted(result.stdout.splitlines()) == sorted(
        [
            f"CONNECTIONS\t{cloud}\tcloud\tAVAILABLE\t\t123456789012\tGitHub",
            f"CONNECTIONS\t{hosted}\thosted\tPENDING\t{host_arn}\t123456789012"
            "\tGitHubEnterpriseServer",
        ]
    )


def test_list_as_a_table_has_a_header_and_a_row_each(cli: Cli, emulator: EmulatorClient) -> None:
    emulator.create_connection("alpha", status="PENDING")
    emulator.create_connection("beta", status="ERROR")

    result = cli("list", "--output", "table", "--region", "us-east-1")

    lines = result.stdout.splitlines()
    assert lines[0] == "Connections"
    header = lines[2]
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "ConnectionName",
        "ConnectionArn",
        "ProviderType",
        "OwnerAccountId",
        "ConnectionStatus",
    ]
    assert len([line for line in lines if line.startswith("| alpha") or "| beta " in line]) == 2


def test_list_of_an_empty_region(cli: Cli, emulator: EmulatorClient) -> None:
    as_json, as_table = concurrently(lambda: cli("list"), lambda: cli("list", "--output", "table"))

    assert as_json.json() == {"Connections": []}
    assert as_table.stdout == "Connections: none\n"
