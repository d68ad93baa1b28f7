"""One endpoint, three services: routing by X-Amz-Target or by Action, JSON 1.0 and 1.1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from devkit.raw_aws import aws_json_request
from emulator.client import EmulatorClient
from tests.emulator.conftest import MANAGEMENT, sts_client
from tests.emulator.test_process import ROOT, Emulator

ORGANIZATIONS_TARGET = "AWSOrganizationsV20161128"
JSON_1_1 = "application/x-amz-json-1.1"


def organizations_request(url: str, operation: str, **kwargs: Any) -> Any:
    headers = {"Content-Type": JSON_1_1, **kwargs.pop("headers", {})}
    return aws_json_request(
        url,
        None,
        kwargs.pop("body", b"{}"),
        target=f"{ORGANIZATIONS_TARGET}.{operation}",
        headers=headers,
        service="codestar-connections",
        **kwargs,
    )


def test_one_endpoint_answers_all_three_services(emulator: EmulatorClient) -> None:
    emulator.create_connection("c")

    connections = emulator.boto3_client().list_connections()["Connections"]
    accounts = emulator.boto3_client("organizations").list_accounts()["Accounts"]
    identity = sts_client(emulator).get_caller_identity()

    assert len(connections) == 1
    assert [a["Id"] for a in accounts] == [MANAGEMENT]
    assert identity["Account"] == MANAGEMENT
    assert [(c["Service"], c["Operation"]) for c in emulator.calls()] == [
        ("codestar-connections", "ListConnections"),
        ("organizations", "ListAccounts"),
        ("sts", "GetCallerIdentity"),
    ]


def test_organizations_speaks_aws_json_1_1(emulator: EmulatorClient) -> None:
    response = organizations_request(emulator.url, "ListRoots")

    assert response.status == 200
    assert response.headers["content-type"] == JSON_1_1
    assert [root["Name"] for root in response.json()["Roots"]] == ["Root"]


def test_organizations_refuses_aws_json_1_0(emulator: EmulatorClient) -> None:
    response = organizations_request(
        emulator.url, "ListRoots", headers={"Content-Type": "application/x-amz-json-1.0"}
    )

    assert response.status == 400
    assert response.headers["content-type"] == JSON_1_1
    assert response.json() == {
        "__type": "UnknownOperationException",
        "Message": "Unknown operation: Content-Type 'application/x-amz-json-1.0' is not "
        f"{JSON_1_1}, the protocol of this API",
    }


def test_organizations_errors_come_in_json_1_1(emulator: EmulatorClient) -> None:
    response = organizations_request(
        emulator.url, "DescribeAccount", body={"AccountId": MANAGEMENT}, access_key="999999999999"
    )

    assert response.status == 400
    assert response.headers["content-type"] == JSON_1_1
    assert response.headers["x-amzn-errortype"] == "AWSOrganizationsNotInUseException"
    assert response.json() == {
        "__type": "AWSOrganizationsNotInUseException",
        "Message": "Your account is not a member of an organization.",
    }


def test_an_unknown_target_is_answered_for_the_service_it_was_signed_for(
    emulator: EmulatorClient,
) -> None:
    response = aws_json_request(
        emulator.url,
        None,
        target="AWSOrganizationsV20161128Typo.ListRoots",
        headers={"Content-Type": JSON_1_1},
        authorization=(
            "AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/organizations/aws4_request"
        ),
    )

    assert response.status == 400
    assert response.headers["content-type"] == JSON_1_1
    assert response.json()["Message"] == (
        "Unknown operation: X-Amz-Target 'AWSOrganizationsV20161128Typo.ListRoots' names no "
        "Organizations operation"
    )


def test_the_control_api_takes_bodies_over_a_mebibyte(emulator: EmulatorClient) -> None:
    tags = {f"k{n}": "v" * 250 for n in range(50)}
    specs = [
        {"ConnectionName": f"c{n}", "ProviderType": "GitHub", "Tags": tags} for n in range(100)
    ]
    assert len(json.dumps({"Connections": specs})) > 1024 * 1024

    assert len(emulator.create_connections(specs)) == 100  # type: ignore[arg-type]


@pytest.fixture
def process() -> Iterator[Emulator]:
    """``python -m emulator --account 210987654321``, killed at teardown if still running."""
    emulator = Emulator("--account", "210987654321")
    yield emulator
    if emulator.process.poll() is None:
        emulator.process.kill()
        emulator.process.communicate(timeout=30)


def test_python_m_emulator_serves_all_three(process: Emulator) -> None:
    emulator = process
    client = EmulatorClient(emulator.url)
    client.create_account("member", account_id="222222222222")

    accounts = client.boto3_client("organizations").list_accounts()["Accounts"]
    assumed = sts_client(client).assume_role(
        RoleArn="arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
        RoleSessionName="process",
    )
    member = client.boto3_client("codeconnections", credentials=assumed["Credentials"])

    assert [a["Id"] for a in accounts] == ["210987654321", "222222222222"]
    assert member.list_connections()["Connections"] == []
    assert client.calls()[-1]["Account"] == "222222222222"
    code, stderr = emulator.stop()
    assert (code, stderr) == (0, "")


def test_python_m_emulator_help_names_the_three_services() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert "CodeStar Connections / CodeConnections, Organizations and STS" in result.stdout
