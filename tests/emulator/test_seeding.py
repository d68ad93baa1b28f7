"""Seeding in bulk through the control API: connections and accounts, all or none."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from emulator.client import ConnectionSpec, EmulatorClient, EmulatorControlError
from tests.emulator.conftest import MANAGEMENT
from tests.emulator.test_control import control


def test_a_batch_of_connections_lands_where_each_says(emulator: EmulatorClient) -> None:
    arns = emulator.create_connections(
        [
            {"ConnectionName": "a", "ProviderType": "GitHub"},
            {
                "ConnectionName": "b",
                "ProviderType": "Bitbucket",
                "Account": "222222222222",
                "Region": "eu-west-1",
            },
            {
                "ConnectionName": "c",
                "Service": "codeconnections",
                "ProviderType": "GitLab",
                "ConnectionStatus": "PENDING",
                "Tags": {"team": "x"},
            },
        ]
    )

    assert [arn.split(":")[2:5] for arn in arns] == [
        ["codestar-connections", "us-east-1", MANAGEMENT],
        ["codestar-connections", "eu-west-1", "222222222222"],
        ["codeconnections", "us-east-1", MANAGEMENT],
    ]
    client = emulator.boto3_client()
    listed = client.list_connections()["Connections"]
    assert [(c["ConnectionName"], c["ConnectionStatus"]) for c in listed] == [
        ("a", "AVAILABLE"),
        ("c", "PENDING"),
    ]
    assert client.list_tags_for_resource(ResourceArn=arns[2])["Tags"] == [
        {"Key": "team", "Value": "x"}
    ]


def test_a_batch_with_one_bad_connection_creates_none(emulator: EmulatorClient) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        emulator.create_connections(
            [
                {"ConnectionName": "fine", "ProviderType": "GitHub"},
                {
                    "ConnectionName": "bad",
                    "HostArn": "arn:aws:codestar-connections:us-east-1:123456789012:host/x-1",
                },
            ]
        )

    assert raised.value.status == 404
    assert emulator.boto3_client().list_connections()["Connections"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Connections must be a JSON array"),
        ({"Connections": [1]}, "each of Connections must be a JSON object"),
        (
            {"Connections": [{"ConnectionName": "x", "Region": "mars"}]},
            "Region 'mars' is not a region name",
        ),
    ],
)
def test_a_batch_that_makes_no_sense_is_invalid(
    emulator: EmulatorClient, body: dict[str, Any], message: str
) -> None:
    assert control(emulator, "POST", "connections/batch", json.dumps(body).encode()) == (
        400,
        {"__type": "ValidationException", "Message": message},
    )


def test_16000_connections_over_3200_account_regions_in_one_request(
    emulator: EmulatorClient,
) -> None:
    accounts = [f"{100000000000 + n}" for n in range(200)]
    regions = [f"us-{side}-{n}" for side in ("east", "west") for n in range(1, 9)]
    specs: list[ConnectionSpec] = [
        {"ConnectionName": f"c{n}", "ProviderType": "GitHub", "Account": account, "Region": region}
        for account in accounts
        for region in regions
        for n in range(5)
    ]

    started = time.monotonic()
    arns = emulator.create_connections(specs)
    elapsed = time.monotonic() - started

    assert len(arns) == len(set(arns)) == 16_000
    client = emulator.boto3_client(region="us-west-8", account=accounts[-1])
    assert [c["ConnectionName"] for c in client.list_connections()["Connections"]] == [
        f"c{n}" for n in range(5)
    ]
    assert elapsed < 30, f"seeding 16,000 connections took {elapsed:.1f} s"


def test_a_batch_of_accounts_returns_their_ids_in_order(emulator: EmulatorClient) -> None:
    ids = emulator.create_accounts(
        [{"Name": "one", "Id": "111111111111"}, {"Name": "two"}, {"Name": "three"}]
    )

    assert ids[0] == "111111111111"
    assert len(set(ids)) == 3
    listed = emulator.boto3_client("organizations").list_accounts()["Accounts"]
    assert [a["Id"] for a in listed] == [MANAGEMENT, *ids]
    assert [a["Name"] for a in listed[1:]] == ["one", "two", "three"]
