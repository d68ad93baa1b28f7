"""CreateConnection, GetConnection, ListConnections and DeleteConnection through both APIs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient
from tests.emulator.conftest import checked_client

UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_connection_returns_a_pending_connection(client: Any, service: str) -> None:
    arn = client.create_connection(ConnectionName="main", ProviderType="GitHub")["ConnectionArn"]

    assert re.fullmatch(rf"arn:aws:{service}:us-east-1:123456789012:connection/{UUID4}", arn)
    assert client.get_connection(ConnectionArn=arn)["Connection"] == {
        "ConnectionName": "main",
        "ConnectionArn": arn,
        "ProviderType": "GitHub",
        "OwnerAccountId": "123456789012",
        "ConnectionStatus": "PENDING",
    }


def test_create_connection_returns_its_tags(client: Any) -> None:
    tags = [{"Key": "team", "Value": "platform"}, {"Key": "env", "Value": "prod"}]

    response = client.create_connection(ConnectionName="t", ProviderType="GitLab", Tags=tags)

    assert response["Tags"] == tags
    assert client.list_tags_for_resource(ResourceArn=response["ConnectionArn"])["Tags"] == tags


def test_create_connection_without_tags_returns_no_tags(client: Any) -> None:
    response = client.create_connection(ConnectionName="t", ProviderType="Bitbucket")

    assert "Tags" not in response


def test_create_connection_with_host_takes_the_provider_type_of_the_host(client: Any) -> None:
    host_arn = client.create_host(
        Name="ghes", ProviderType="GitHubEnterpriseServer", ProviderEndpoint="https://ghes.example"
    )["HostArn"]

    arn = client.create_connection(ConnectionName="c", HostArn=host_arn)["ConnectionArn"]

    connection = client.get_connection(ConnectionArn=arn)["Connection"]
    assert connection["ProviderType"] == "GitHubEnterpriseServer"
    assert connection["HostArn"] == host_arn


def test_create_connection_with_unknown_host_not_found(client: Any, service: str) -> None:
    host_arn = f"arn:aws:{service}:us-east-1:123456789012:host/missing-0123abcd"

    with pytest.raises(ClientError) as raised:
        client.create_connection(ConnectionName="c", HostArn=host_arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Host {host_arn} does not exist")


def test_create_connection_with_provider_type_other_than_the_hosts_is_invalid(
    client: Any,
) -> None:
    host_arn = client.create_host(
        Name="gl", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gitlab.example"
    )["HostArn"]

    with pytest.raises(ClientError) as raised:
        client.create_connection(ConnectionName="c", HostArn=host_arn, ProviderType="GitHub")

    assert error_of(raised) == (
        "ValidationException",
        f"ProviderType GitHub does not match the provider type GitLabSelfManaged of host "
        f"{host_arn}",
    )


def test_create_connection_without_provider_type_or_host_is_invalid(client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        client.create_connection(ConnectionName="c")

    assert error_of(raised) == (
        "ValidationException",
        "Either ProviderType or HostArn must be specified",
    )


def test_create_connection_azure_devops_is_accepted_by_codeconnections(
    codeconnections: Any,
) -> None:
    arn = codeconnections.create_connection(ConnectionName="ado", ProviderType="AzureDevOps")[
        "ConnectionArn"
    ]

    connection = codeconnections.get_connection(ConnectionArn=arn)["Connection"]
    assert connection["ProviderType"] == "AzureDevOps"


def test_create_connection_azure_devops_is_invalid_for_codestar_connections(
    emulator: EmulatorClient,
) -> None:
    codestar, _ = checked_client(emulator, "codestar-connections", parameter_validation=False)

    with pytest.raises(ClientError) as raised:
        codestar.create_connection(ConnectionName="ado", ProviderType="AzureDevOps")

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value 'AzureDevOps' at 'providerType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Bitbucket, GitHub, "
        "GitHubEnterpriseServer, GitLab, GitLabSelfManaged]",
    )


def test_create_connection_name_too_long_is_invalid(unvalidated: Any) -> None:
    name = "n" * 33

    with pytest.raises(ClientError) as raised:
        unvalidated.create_connection(ConnectionName=name, ProviderType="GitHub")

    assert error_of(raised) == (
        "ValidationException",
        f"1 validation error detected: Value '{name}' at 'connectionName' failed to satisfy "
        "constraint: Member must have length less than or equal to 32",
    )


def test_create_connection_tag_without_value_is_invalid(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        unvalidated.create_connection(
            ConnectionName="c", ProviderType="GitHub", Tags=[{"Key": "k"}]
        )

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_create_connection_over_the_limit_exceeded(emulator: EmulatorClient, codestar: Any) -> None:
    for index in range(250):
        emulator.create_connection(f"seed-{index}")

    with pytest.raises(ClientError) as raised:
        codestar.create_connection(ConnectionName="one-too-many", ProviderType="GitHub")

    assert error_of(raised) == (
        "LimitExceededException",
        "Connection limit exceeded: account 123456789012 already has 250 connections in us-east-1",
    )
    # The quota is per region.
    other, _ = checked_client(emulator, "codestar-connections", "eu-west-1")
    other.create_connection(ConnectionName="elsewhere", ProviderType="GitHub")


def test_get_connection_not_found(client: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:connection/{'0' * 8}-0000-4000-8000-{'0' * 12}"

    with pytest.raises(ClientError) as raised:
        client.get_connection(ConnectionArn=arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Connection {arn} does not exist")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert type(raised.value).__name__ == "ResourceNotFoundException"


def test_get_connection_invalid_arn_is_invalid(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        unvalidated.get_connection(ConnectionArn="not-an-arn")

    code, message = error_of(raised)
    assert code == "ValidationException"
    assert message.startswith(
        "1 validation error detected: Value 'not-an-arn' at 'connectionArn' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: arn:aws"
    )


def test_get_connection_missing_arn_is_invalid(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        unvalidated.get_connection()

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value null at 'connectionArn' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_get_connection_through_the_other_api(codestar: Any, codeconnections: Any) -> None:
    old = codestar.create_connection(ConnectionName="old", ProviderType="GitHub")["ConnectionArn"]
    new = codeconnections.create_connection(ConnectionName="new", ProviderType="GitHub")[
        "ConnectionArn"
    ]

    assert codeconnections.get_connection(ConnectionArn=old)["Connection"]["ConnectionArn"] == old
    assert codestar.get_connection(ConnectionArn=new)["Connection"]["ConnectionArn"] == new


def test_get_connection_made_in_another_region_not_found(
    emulator: EmulatorClient, service: str
) -> None:
    eu, _ = checked_client(emulator, service, "eu-west-1")
    us, _ = checked_client(emulator, service, "us-east-1")
    arn = eu.create_connection(ConnectionName="eu", ProviderType="GitHub")["ConnectionArn"]

    assert ":eu-west-1:" in arn
    assert eu.get_connection(ConnectionArn=arn)["Connection"]["ConnectionName"] == "eu"
    with pytest.raises(ClientError) as raised:
        us.get_connection(ConnectionArn=arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Connection {arn} does not exist")
    assert us.list_connections()["Connections"] == []


def test_get_connection_account_comes_from_a_12_digit_access_key(emulator: EmulatorClient) -> None:
    other_account = emulator._client(  # the fixture helper that sets the access key id
        "codestar-connections", "us-east-1", access_key="111122223333"
    )
    arn = other_account.create_connection(ConnectionName="x", ProviderType="GitHub")[
        "ConnectionArn"
    ]

    assert arn.startswith("arn:aws:codestar-connections:us-east-1:111122223333:connection/")
    connection = other_account.get_connection(ConnectionArn=arn)["Connection"]
    assert connection["OwnerAccountId"] == "111122223333"
    with pytest.raises(ClientError):
        emulator.boto3_client().get_connection(ConnectionArn=arn)


def test_get_connection_shows_a_status_set_through_the_console(
    emulator: EmulatorClient, client: Any
) -> None:
    arn = client.create_connection(ConnectionName="c", ProviderType="GitHub")["ConnectionArn"]

    emulator.set_status(arn, "AVAILABLE")

    assert client.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == "AVAILABLE"


def test_list_connections_empty(client: Any) -> None:
    response = client.list_connections()

    assert response["Connections"] == []
    assert "NextToken" not in response


def test_list_connections_pages_250_connections_seven_at_a_time(
    emulator: EmulatorClient, client: Any
) -> None:
    seeded = [emulator.create_connection(f"c{index}") for index in range(250)]

    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"MaxResults": 7}
    while True:
        response = client.list_connections(**kwargs)
        pages += 1
        assert len(response["Connections"]) <= 7
        seen += [connection["ConnectionArn"] for connection in response["Connections"]]
        if "NextToken" not in response:
            break
        kwargs["NextToken"] = response["NextToken"]

    assert seen == seeded
    assert pages == 36


def test_list_connections_default_page_is_50(emulator: EmulatorClient, client: Any) -> None:
    for index in range(51):
        emulator.create_connection(f"c{index}")

    first = client.list_connections()
    second = client.list_connections(NextToken=first["NextToken"])

    assert len(first["Connections"]) == 50
    assert len(second["Connections"]) == 1
    assert "NextToken" not in second


def test_list_connections_deleting_between_pages_skips_nothing(
    emulator: EmulatorClient, client: Any
) -> None:
    arns = [emulator.create_connection(f"c{index}") for index in range(6)]

    first = client.list_connections(MaxResults=3)
    client.delete_connection(ConnectionArn=arns[2])
    client.delete_connection(ConnectionArn=arns[3])
    second = client.list_connections(MaxResults=3, NextToken=first["NextToken"])

    assert [c["ConnectionArn"] for c in first["Connections"]] == arns[:3]
    assert [c["ConnectionArn"] for c in second["Connections"]] == arns[4:]


def test_list_connections_provider_type_filter(emulator: EmulatorClient, client: Any) -> None:
    github = emulator.create_connection("gh", provider_type="GitHub")
    emulator.create_connection("bb", provider_type="Bitbucket")

    response = client.list_connections(ProviderTypeFilter="GitHub")

    assert [c["ConnectionArn"] for c in response["Connections"]] == [github]


def test_list_connections_host_arn_filter(emulator: EmulatorClient, client: Any) -> None:
    host_arn = client.create_host(
        Name="h", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gitlab.example"
    )["HostArn"]
    on_host = emulator.create_connection("on-host", host_arn=host_arn)
    emulator.create_connection("saas", provider_type="GitLab")

    response = client.list_connections(HostArnFilter=host_arn)

    assert [c["ConnectionArn"] for c in response["Connections"]] == [on_host]
    assert response["Connections"][0]["HostArn"] == host_arn


def test_list_connections_invalid_token(client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        client.list_connections(NextToken="garbage")

    assert error_of(raised) == (
        "ValidationException",
        "Invalid NextToken: the token is malformed or was issued for a different request",
    )


def test_list_connections_token_with_other_filters_invalid(
    emulator: EmulatorClient, client: Any
) -> None:
    for index in range(3):
        emulator.create_connection(f"c{index}")
    token = client.list_connections(MaxResults=1)["NextToken"]

    with pytest.raises(ClientError) as raised:
        client.list_connections(MaxResults=1, NextToken=token, ProviderTypeFilter="GitHub")

    assert error_of(raised)[0] == "ValidationException"


def test_list_connections_max_results_over_100_invalid(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        unvalidated.list_connections(MaxResults=101)

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value 101 at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
    )


def test_list_connections_max_results_of_wrong_type_invalid(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        unvalidated.list_connections(MaxResults="ten")

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value 'ten' at 'maxResults' failed to satisfy "
        "constraint: Member must be an integer",
    )


def test_delete_connection_removes_it(client: Any) -> None:
    arn = client.create_connection(ConnectionName="c", ProviderType="GitHub")["ConnectionArn"]

    client.delete_connection(ConnectionArn=arn)

    with pytest.raises(ClientError) as raised:
        client.get_connection(ConnectionArn=arn)
    assert error_of(raised)[0] == "ResourceNotFoundException"
    assert client.list_connections()["Connections"] == []


def test_delete_connection_not_found(client: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:connection/{'1' * 8}-1111-4111-8111-{'1' * 12}"

    with pytest.raises(ClientError) as raised:
        client.delete_connection(ConnectionArn=arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Connection {arn} does not exist")
