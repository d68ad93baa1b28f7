"""Faults that strike a share of the calls, of any service: "throttle 20 % of every call"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import NO_RETRIES, EmulatorClient
from tests.emulator.conftest import sts_client
from tests.emulator.test_control import control


def throttled_share(client: Any, calls: int) -> list[bool]:
    """Which of ``calls`` ListConnections calls were throttled."""
    struck = []
    for _ in range(calls):
        try:
            client.list_connections()
            struck.append(False)
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ThrottlingException"
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            struck.append(True)
    return struck


def test_a_fifth_of_the_calls_are_throttled_and_the_seed_repeats_them(
    emulator: EmulatorClient,
) -> None:
    client = emulator.boto3_client(config=NO_RETRIES)
    emulator.add_fault(
        error_code="ThrottlingException", http_status=400, count=-1, probability=0.2, seed=7
    )

    first = throttled_share(client, 500)
    emulator.clear_faults()
    emulator.add_fault(
        error_code="ThrottlingException", http_status=400, count=-1, probability=0.2, seed=7
    )
    second = throttled_share(client, 500)

    assert 0.15 <= sum(first) / len(first) <= 0.25
    assert second == first
    logged = [call["ErrorCode"] == "ThrottlingException" for call in emulator.calls()]
    assert logged == first + second


def test_a_probability_fault_strikes_every_service(emulator: EmulatorClient) -> None:
    emulator.add_fault(error_code="ThrottlingException", count=-1, probability=1.0)
    calls = [
        emulator.boto3_client(config=NO_RETRIES).list_connections,
        emulator.boto3_client("organizations", config=NO_RETRIES).list_accounts,
        sts_client(emulator).get_caller_identity,
    ]

    for call in calls:
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "ThrottlingException"

    assert [(c["Service"], c["ErrorCode"]) for c in emulator.calls()] == [
        ("codestar-connections", "ThrottlingException"),
        ("organizations", "ThrottlingException"),
        ("sts", "ThrottlingException"),
    ]


def test_a_fault_names_an_operation_of_any_service(emulator: EmulatorClient) -> None:
    emulator.add_fault("ListAccounts", error_code="TooManyRequestsException", count=2)
    org = emulator.boto3_client("organizations", config=NO_RETRIES)

    for _ in range(2):
        with pytest.raises(org.exceptions.TooManyRequestsException):
            org.list_accounts()

    assert org.list_accounts()["Accounts"]
    assert emulator.boto3_client().list_connections()["Connections"] == []


def test_calls_a_probability_spares_do_not_count(emulator: EmulatorClient) -> None:
    client = emulator.boto3_client(config=NO_RETRIES)
    emulator.add_fault(error_code="ThrottlingException", count=3, probability=0.5, seed=1)

    struck = throttled_share(client, 60)

    assert sum(struck) == 3
    assert control(emulator, "GET", "faults") == (200, {"Faults": []})


def test_a_probability_fault_is_listed_with_its_seed(emulator: EmulatorClient) -> None:
    emulator.add_fault("GetHost", error_code="ThrottlingException", probability=0.2, seed=42)

    assert control(emulator, "GET", "faults")[1]["Faults"] == [
        {
            "Operation": "GetHost",
            "ErrorCode": "ThrottlingException",
            "HttpStatus": None,
            "Message": None,
            "Count": 1,
            "LatencyMs": 0,
            "ResetConnection": False,
            "Probability": 0.2,
            "Seed": 42,
        }
    ]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"ErrorCode": "X", "Probability": 1.5}, "Probability must be between 0 and 1"),
        ({"ErrorCode": "X", "Probability": -0.1}, "Probability must be between 0 and 1"),
        ({"ErrorCode": "X", "Probability": "often"}, "Probability must be a number"),
        ({"ErrorCode": "X", "Probability": True}, "Probability must be a number"),
        ({"ErrorCode": "X", "Seed": 3}, "Seed is only meaningful with a Probability"),
        ({"ErrorCode": "X", "Probability": 0.5, "Seed": "3"}, "Seed must be an integer"),
    ],
)
def test_probabilities_that_make_no_sense_are_invalid(
    emulator: EmulatorClient, fault: dict[str, object], message: str
) -> None:
    status, body = control(emulator, "POST", "faults", json.dumps(fault).encode())

    assert (status, body) == (400, {"__type": "ValidationException", "Message": message})
