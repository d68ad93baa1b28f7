"""CreateHost, GetHost, ListHosts and DeleteHost through both APIs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient
from tests.emulator.test_connections import error_of

VPC = {
    "VpcId": "vpc-0123456789abcdef0",
    "SubnetIds": ["subnet-0123456789abcdef0"],
    "SecurityGroupIds": ["sg-0123456789abcdef0"],
    "TlsCertificate": "-----BEGIN CERTIFICATE-----",
}


def make_host(client: Any, name: str = "ghes", **extra: Any) -> str:
    return str(
        client.create_host(
            Name=name,
            ProviderType="GitHubEnterpriseServer",
            ProviderEndpoint="https://ghes.example",
            **extra,
        )["HostArn"]
    )


def test_create_host_arn_carries_the_name_and_a_suffix(client: Any, service: str) -> None:
    arn = make_host(client, "my-ghes")

    assert re.fullmatch(
        rf"arn:aws:{service}:us-east-1:123456789012:host/my-ghes-[0-9a-f]{{8}}", arn
    )


def test_create_host_twice_with_one_name_gives_two_hosts(client: Any) -> None:
    assert make_host(client, "same") != make_host(client, "same")
    assert len(client.list_hosts()["Hosts"]) == 2


def test_create_host_returns_its_tags(client: Any) -> None:
    tags = [{"Key": "k", "Value": "v"}]

    response = client.create_host(
        Name="h", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gl.example", Tags=tags
    )

    assert response["Tags"] == tags


def test_create_host_for_a_saas_provider_is_invalid(client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        client.create_host(Name="h", ProviderType="GitHub", ProviderEndpoint="https://github.com")

    assert error_of(raised) == (
        "ValidationException",
        "ProviderType GitHub does not support hosts; use one of GitHubEnterpriseServer, "
        "GitLabSelfManaged",
    )


def test_create_host_missing_members_are_all_reported(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        unvalidated.create_host(Name="h")

    assert error_of(raised) == (
        "ValidationException",
        "2 validation errors detected: Value null at 'providerType' failed to satisfy "
        "constraint: Member must not be null; Value null at 'providerEndpoint' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_create_host_bad_vpc_id_is_invalid(unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        make_host(unvalidated, VpcConfiguration={**VPC, "VpcId": "nope"})

    assert error_of(raised) == (
        "ValidationException",
        "2 validation errors detected: Value 'nope' at 'vpcConfiguration.vpcId' failed to "
        "satisfy constraint: Member must have length greater than or equal to 12; Value 'nope' "
        "at 'vpcConfiguration.vpcId' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: vpc-\\w{8}(\\w{9})?",
    )


def test_get_host_describes_a_pending_host(client: Any) -> None:
    arn = make_host(client)

    response = client.get_host(HostArn=arn)

    response.pop("ResponseMetadata")
    assert response == {
        "Name": "ghes",
        "Status": "PENDING",
        "ProviderType": "GitHubEnterpriseServer",
        "ProviderEndpoint": "https://ghes.example",
    }


def test_get_host_returns_the_vpc_configuration(client: Any) -> None:
    arn = make_host(client, VpcConfiguration=VPC)

    assert client.get_host(HostArn=arn)["VpcConfiguration"] == VPC


def test_get_host_shows_a_status_set_through_the_console(
    emulator: EmulatorClient, client: Any
) -> None:
    arn = make_host(client)

    emulator.set_host_status(arn, "AVAILABLE")

    assert client.get_host(HostArn=arn)["Status"] == "AVAILABLE"


def test_get_host_not_found(client: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:host/gone-0badf00d"

    with pytest.raises(ClientError) as raised:
        client.get_host(HostArn=arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Host {arn} does not exist")


def test_get_host_codeconnections_arn_is_invalid_for_codestar_connections(
    codeconnections: Any, emulator: EmulatorClient
) -> None:
    # The 2019 model only accepts codestar-connections host ARNs; AWS applies it as written.
    arn = make_host(codeconnections)
    codestar = emulator.boto3_client("codestar-connections")

    with pytest.raises(ClientError) as raised:
        codestar.get_host(HostArn=arn)

    assert error_of(raised)[0] == "ValidationException"
    assert codeconnections.get_host(HostArn=arn)["Name"] == "ghes"


def test_list_hosts_lists_arns_and_status(client: Any) -> None:
    arn = make_host(client)

    assert client.list_hosts()["Hosts"] == [
        {
            "Name": "ghes",
            "HostArn": arn,
            "ProviderType": "GitHubEnterpriseServer",
            "ProviderEndpoint": "https://ghes.example",
            "Status": "PENDING",
        }
    ]


def test_list_hosts_pages(client: Any) -> None:
    arns = [make_host(client, f"h{index}") for index in range(12)]

    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 5}
    while True:
        response = client.list_hosts(**kwargs)
        seen += [host["HostArn"] for host in response["Hosts"]]
        if "NextToken" not in response:
            break
        kwargs["NextToken"] = response["NextToken"]

    assert seen == arns


def test_list_hosts_connection_token_is_invalid(emulator: EmulatorClient, client: Any) -> None:
    for index in range(2):
        emulator.create_connection(f"c{index}")
    token = client.list_connections(MaxResults=1)["NextToken"]

    with pytest.raises(ClientError) as raised:
        client.list_hosts(NextToken=token)

    assert error_of(raised) == (
        "ValidationException",
        "Invalid NextToken: the token is malformed or was issued for a different request",
    )


def test_delete_host_removes_it(client: Any) -> None:
    arn = make_host(client)

    client.delete_host(HostArn=arn)

    assert client.list_hosts()["Hosts"] == []


def test_delete_host_not_found(client: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:host/gone-0badf00d"

    with pytest.raises(ClientError) as raised:
        client.delete_host(HostArn=arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Host {arn} does not exist")


def test_delete_host_while_its_vpc_is_set_up_unavailable(
    emulator: EmulatorClient, client: Any
) -> None:
    arn = make_host(client, VpcConfiguration=VPC)
    emulator.set_host_status(arn, "VPC_CONFIG_INITIALIZING")

    with pytest.raises(ClientError) as raised:
        client.delete_host(HostArn=arn)

    assert error_of(raised) == (
        "ResourceUnavailableException",
        f"Host {arn} cannot be deleted while its status is VPC_CONFIG_INITIALIZING",
    )
