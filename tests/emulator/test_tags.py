"""TagResource, UntagResource and ListTagsForResource on connections and hosts."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient
from tests.emulator.test_connections import error_of
from tests.emulator.test_hosts import make_host


@pytest.fixture(params=["connection", "host"])
def resource_arn(request: pytest.FixtureRequest, client: Any) -> str:
    if request.param == "host":
        return make_host(client)
    return str(
        client.create_connection(
            ConnectionName="c", ProviderType="GitHub", Tags=[{"Key": "a", "Value": "1"}]
        )["ConnectionArn"]
    )


def test_tag_resource_adds_and_overwrites(client: Any, resource_arn: str) -> None:
    client.tag_resource(ResourceArn=resource_arn, Tags=[{"Key": "a", "Value": "0"}])
    client.tag_resource(
        ResourceArn=resource_arn,
        Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}],
    )

    assert client.list_tags_for_resource(ResourceArn=resource_arn)["Tags"] == [
        {"Key": "a", "Value": "2"},
        {"Key": "b", "Value": "3"},
    ]


def test_tag_resource_not_found(client: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:host/gone-0badf00d"

    with pytest.raises(ClientError) as raised:
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])

    assert error_of(raised) == ("ResourceNotFoundException", f"Resource {arn} does not exist")


def test_tag_resource_over_200_tags_exceeded(client: Any, resource_arn: str) -> None:
    client.tag_resource(
        ResourceArn=resource_arn,
        Tags=[{"Key": f"k{index}", "Value": "v"} for index in range(150)],
    )
    before = client.list_tags_for_resource(ResourceArn=resource_arn)["Tags"]

    with pytest.raises(ClientError) as raised:
        client.tag_resource(
            ResourceArn=resource_arn,
            Tags=[{"Key": f"more{index}", "Value": "v"} for index in range(60)],
        )

    assert error_of(raised) == (
        "LimitExceededException",
        f"Tag limit exceeded: at most 200 tags are allowed on resource {resource_arn}",
    )
    assert client.list_tags_for_resource(ResourceArn=resource_arn)["Tags"] == before


def test_tag_resource_without_tags_is_invalid(unvalidated: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:host/gone-0badf00d"

    with pytest.raises(ClientError) as raised:
        unvalidated.tag_resource(ResourceArn=arn)

    assert error_of(raised) == (
        "ValidationException",
        "1 validation error detected: Value null at 'tags' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_untag_resource_removes_keys_and_ignores_absent_ones(
    client: Any, resource_arn: str
) -> None:
    client.tag_resource(
        ResourceArn=resource_arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )

    client.untag_resource(ResourceArn=resource_arn, TagKeys=["a", "never-set"])

    assert client.list_tags_for_resource(ResourceArn=resource_arn)["Tags"] == [
        {"Key": "b", "Value": "2"}
    ]


def test_untag_resource_not_found(client: Any, service: str) -> None:
    arn = f"arn:aws:{service}:us-east-1:123456789012:connection/{'2' * 8}-2222-4222-8222-{'2' * 12}"

    with pytest.raises(ClientError) as raised:
        client.untag_resource(ResourceArn=arn, TagKeys=["a"])

    assert error_of(raised) == ("ResourceNotFoundException", f"Resource {arn} does not exist")


def test_list_tags_for_resource_of_seeded_connection(emulator: EmulatorClient, client: Any) -> None:
    arn = emulator.create_connection("c", tags={"team": "platform"})

    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "platform"}
    ]


def test_list_tags_for_resource_untagged_is_empty(client: Any) -> None:
    arn = make_host(client)

    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == []


def test_list_tags_for_resource_in_another_region_not_found(
    emulator: EmulatorClient, client: Any
) -> None:
    arn = emulator.create_connection("eu", region="eu-west-1")

    with pytest.raises(ClientError) as raised:
        client.list_tags_for_resource(ResourceArn=arn)

    assert error_of(raised) == ("ResourceNotFoundException", f"Resource {arn} does not exist")
