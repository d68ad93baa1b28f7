"""Every answer matches the output shape botocore's model gives the operation, member for member."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.raw_aws import aws_json_request
from emulator.client import EmulatorClient
from tests.emulator.conftest import checked_client
from tests.support.aws_shapes import RawResponses, output_problems

SUPPORTED = {
    "CreateConnection",
    "GetConnection",
    "ListConnections",
    "DeleteConnection",
    "CreateHost",
    "GetHost",
    "ListHosts",
    "DeleteHost",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
}


def test_every_operation_answers_within_its_output_shape(
    emulator: EmulatorClient, service: str
) -> None:
    client, raw = checked_client(emulator, service)
    tags = [{"Key": "k", "Value": "v"}]
    host = client.create_host(
        Name="h",
        ProviderType="GitHubEnterpriseServer",
        ProviderEndpoint="https://ghes.example",
        VpcConfiguration={
            "VpcId": "vpc-0123456789abcdef0",
            "SubnetIds": ["subnet-0123456789abcdef0"],
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
        },
        Tags=tags,
    )["HostArn"]
    emulator.set_host_status(host, "AVAILABLE")
    on_host = client.create_connection(ConnectionName="on-host", HostArn=host, Tags=tags)
    plain = client.create_connection(ConnectionName="plain", ProviderType="Bitbucket")
    client.get_connection(ConnectionArn=on_host["ConnectionArn"])
    client.get_connection(ConnectionArn=plain["ConnectionArn"])
    client.list_connections(MaxResults=1)
    client.list_connections(HostArnFilter=host)
    client.get_host(HostArn=host)
    client.list_hosts(MaxResults=1)
    client.tag_resource(ResourceArn=host, Tags=tags)
    client.list_tags_for_resource(ResourceArn=host)
    client.untag_resource(ResourceArn=host, TagKeys=["k"])
    client.delete_connection(ConnectionArn=plain["ConnectionArn"])
    client.delete_connection(ConnectionArn=on_host["ConnectionArn"])
    client.delete_host(HostArn=host)

    assert {operation for operation, _, _ in raw.responses} == SUPPORTED
    assert all(status == 200 for _, status, _ in raw.responses)
    raw.assert_all_match()


def test_codestar_connections_answers_leave_out_provider_endpoint(
    emulator: EmulatorClient,
) -> None:
    # Only the codeconnections model has Connection.ProviderEndpoint.
    codeconnections, _ = checked_client(emulator, "codeconnections")
    arn = codeconnections.create_connection(
        ConnectionName="residency",
        ProviderType="GitHubEnterpriseCloudDataResidency",
        ProviderEndpoint="https://example.ghe.com",
    )["ConnectionArn"]

    through_codestar = aws_json_request(emulator.url, "GetConnection", {"ConnectionArn": arn})
    through_codeconnections = codeconnections.get_connection(ConnectionArn=arn)

    assert "ProviderEndpoint" not in through_codestar.json()["Connection"]
    assert through_codeconnections["Connection"]["ProviderEndpoint"] == "https://example.ghe.com"


def test_error_answers_carry_only_type_and_message(emulator: EmulatorClient, client: Any) -> None:
    raw = RawResponses(client)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_host(HostArn="arn:aws:codestar-connections:us-east-1:123456789012:host/x-1")

    [(_, status, body)] = raw.responses
    assert status == 400
    assert set(body) == {"__type", "Message"}


def test_shape_checker_finds_extra_missing_and_wrong_members() -> None:
    problems = output_problems(
        "codestar-connections",
        "GetConnection",
        {
            "Connection": {
                "ConnectionName": "x" * 33,
                "ConnectionStatus": "READY",
                "OwnerAccountId": 123,
                "ProviderEndpoint": "https://example",
            }
        },
    )

    assert problems == [
        "GetConnection.Connection.ProviderEndpoint: not a member of Connection",
        "GetConnection.Connection.ConnectionName: length 33 is over the maximum 32",
        "GetConnection.Connection.ConnectionStatus: 'READY' is not one of "
        "['PENDING', 'AVAILABLE', 'ERROR']",
        "GetConnection.Connection.OwnerAccountId: expected a string, got 123",
    ]
    assert output_problems("codestar-connections", "CreateConnection", {}) == [
        "CreateConnection.ConnectionArn: required member missing"
    ]
