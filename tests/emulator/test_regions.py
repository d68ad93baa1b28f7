"""Opt-in regions: refused for every account until enabled through the control API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devkit.raw_aws import aws_json_request
from emulator.client import NO_RETRIES, EmulatorClient, EmulatorControlError
from emulator.core.regions import OPT_IN_REGIONS
from tests.emulator.conftest import MANAGEMENT, checked_client, sts_client
from tests.emulator.test_connections import error_of
from tests.emulator.test_control import control

MEMBER = "222222222222"
INVALID = ("UnrecognizedClientException", "The security token included in the request is invalid.")

AWS_OPT_IN_REGIONS = {
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
}


def test_the_opt_in_regions_are_awss() -> None:
    assert set(OPT_IN_REGIONS) == AWS_OPT_IN_REGIONS


@pytest.mark.parametrize("region", sorted(AWS_OPT_IN_REGIONS))
def test_connections_in_an_opt_in_region_are_refused(emulator: EmulatorClient, region: str) -> None:
    client = emulator.boto3_client("codeconnections", region, config=NO_RETRIES)

    with pytest.raises(ClientError) as raised:
        client.list_connections()

    assert error_of(raised) == INVALID
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    [call] = emulator.calls()
    assert (call["Region"], call["ErrorCode"], call["HttpStatus"]) == (
        region,
        "UnrecognizedClientException",
        400,
    )


def test_the_raw_refusal_is_awss(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, "ListConnections", region="af-south-1")

    assert response.status == 400
    assert response.json() == {
        "__type": "UnrecognizedClientException",
        "message": "The security token included in the request is invalid.",
    }
    assert response.headers["x-amzn-errortype"] == "UnrecognizedClientException"


def test_enabled_opt_in_region_works_for_that_account_only(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("cape-town", region="af-south-1", account=MEMBER)
    emulator.set_region_enabled("af-south-1", account=MEMBER)
    member, raw = checked_client(emulator, "codestar-connections", "af-south-1", account=MEMBER)
    default, _ = checked_client(emulator, "codestar-connections", "af-south-1")

    listed = member.list_connections()["Connections"]
    with pytest.raises(ClientError) as raised:
        default.list_connections()

    assert [c["ConnectionArn"] for c in listed] == [arn]
    raw.assert_all_match()
    assert error_of(raised) == INVALID


def test_a_region_enabled_for_every_account_then_disabled(emulator: EmulatorClient) -> None:
    client = emulator.boto3_client(region="me-south-1", config=NO_RETRIES)
    emulator.set_region_enabled("me-south-1")
    assert client.list_connections()["Connections"] == []

    emulator.set_region_enabled("me-south-1", enabled=False)

    with pytest.raises(ClientError) as raised:
        client.list_connections()
    assert error_of(raised) == INVALID


def test_other_regions_are_always_enabled(emulator: EmulatorClient) -> None:
    for region in ("us-east-1", "eu-central-1", "ap-southeast-2", "sa-east-1"):
        assert emulator.boto3_client(region=region).list_connections()["Connections"] == []


def test_organizations_in_an_opt_in_region_is_refused(emulator: EmulatorClient) -> None:
    org, _ = checked_client(emulator, "organizations", "eu-south-2")

    with pytest.raises(ClientError) as raised:
        org.list_accounts()
    emulator.set_region_enabled("eu-south-2", account=MANAGEMENT)

    assert error_of(raised) == INVALID
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == [MANAGEMENT]


def test_sts_in_an_opt_in_region_is_an_invalid_client_token_id(emulator: EmulatorClient) -> None:
    sts = sts_client(emulator, "il-central-1")

    with pytest.raises(ClientError) as raised:
        sts.get_caller_identity()
    emulator.set_region_enabled("il-central-1", account=MANAGEMENT)

    assert error_of(raised) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert sts.get_caller_identity()["Account"] == MANAGEMENT


def test_a_session_is_refused_where_the_roles_account_has_not_opted_in(
    emulator: EmulatorClient,
) -> None:
    emulator.create_account("member", account_id=MEMBER)
    emulator.set_region_enabled("ap-east-1", account=MANAGEMENT)
    sts = sts_client(emulator, "ap-east-1")
    role = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"

    with pytest.raises(ClientError) as raised:
        sts.assume_role(RoleArn=role, RoleSessionName="hk")

    assert raised.value.response["Error"]["Code"] == "RegionDisabledException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    emulator.set_region_enabled("ap-east-1", account=MEMBER)
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="hk")["Credentials"]
    member = emulator.boto3_client(region="ap-east-1", credentials=credentials)
    assert member.list_connections()["Connections"] == []


def test_an_enabled_region_follows_the_assumed_roles_account(emulator: EmulatorClient) -> None:
    emulator.create_account("member", account_id=MEMBER)
    role = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
    credentials = sts_client(emulator).assume_role(RoleArn=role, RoleSessionName="ca")[
        "Credentials"
    ]
    client = emulator.boto3_client(region="ca-west-1", credentials=credentials, config=NO_RETRIES)
    emulator.set_region_enabled("ca-west-1", account=MANAGEMENT)

    with pytest.raises(ClientError) as raised:
        client.list_connections()
    emulator.set_region_enabled("ca-west-1", account=MEMBER)

    assert error_of(raised) == INVALID
    assert client.list_connections()["Connections"] == []


def test_regions_are_listed_and_reset(emulator: EmulatorClient) -> None:
    emulator.set_region_enabled("af-south-1", account=MEMBER)
    emulator.set_region_enabled("eu-south-1")

    status, listed = control(emulator, "GET", "regions")
    emulator.reset()

    assert status == 200
    assert listed["OptInRegions"] == sorted(AWS_OPT_IN_REGIONS)
    assert listed["Enabled"] == [
        {"Account": None, "Region": "eu-south-1"},
        {"Account": MEMBER, "Region": "af-south-1"},
    ]
    assert control(emulator, "GET", "regions")[1]["Enabled"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"Region": "us-east-1", "Enabled": True},
            "us-east-1 is not an opt-in region: every account can always use it",
        ),
        ({"Region": "af-south-1"}, "Enabled is required and must be true or false"),
        ({"Region": "af-south-1", "Enabled": True, "Account": "12"}, "Account must be 12 digits"),
    ],
)
def test_region_settings_that_make_no_sense_are_invalid(
    emulator: EmulatorClient, body: dict[str, Any], message: str
) -> None:
    assert control(emulator, "POST", "regions", json.dumps(body).encode()) == (
        400,
        {"__type": "ValidationException", "Message": message},
    )


def test_the_client_reports_a_refused_region_setting(emulator: EmulatorClient) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        emulator.set_region_enabled("us-west-2")

    assert raised.value.status == 400
