"""The control API: console actions, seeding, fault injection, the call log and reset."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from emulator.client import FIXTURE_USER_AGENT, EmulatorClient, EmulatorControlError
from tests.emulator.conftest import checked_client
from tests.emulator.test_connections import error_of


def control(emulator: EmulatorClient, method: str, route: str, body: bytes | None = None) -> Any:
    request = urllib.request.Request(f"{emulator.url}/_emulator/{route}", data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def test_health_answers_ok(emulator: EmulatorClient) -> None:
    assert control(emulator, "GET", "health") == (200, {"Status": "ok"})
    assert emulator.health()


def test_status_sets_the_connection_status(emulator: EmulatorClient, client: Any) -> None:
    arn = client.create_connection(ConnectionName="c", ProviderType="GitHub")["ConnectionArn"]

    for status in ("AVAILABLE", "ERROR", "PENDING"):
        emulator.set_status(arn, status)
        assert client.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == status


def test_status_answers_with_the_new_status(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("c", status="PENDING")
    body = json.dumps({"ConnectionArn": arn, "ConnectionStatus": "ERROR"}).encode()

    assert control(emulator, "POST", "status", body) == (
        200,
        {"ConnectionArn": arn, "ConnectionStatus": "ERROR"},
    )


def test_status_of_an_unknown_connection_not_found(emulator: EmulatorClient) -> None:
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/nope"

    with pytest.raises(EmulatorControlError) as raised:
        emulator.set_status(arn, "AVAILABLE")

    assert (raised.value.status, raised.value.code, raised.value.message) == (
        404,
        "ResourceNotFoundException",
        f"Connection {arn} does not exist",
    )


def test_status_not_a_connection_status_is_invalid(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("c")

    with pytest.raises(EmulatorControlError) as raised:
        emulator.set_status(arn, "READY")

    assert (raised.value.status, raised.value.message) == (
        400,
        "ConnectionStatus must be one of PENDING, AVAILABLE, ERROR",
    )


def test_status_without_an_arn_is_invalid(emulator: EmulatorClient) -> None:
    assert control(emulator, "POST", "status", b"{}") == (
        400,
        {
            "__type": "ValidationException",
            "Message": "Give ConnectionArn and ConnectionStatus, or HostArn and HostStatus",
        },
    )


def test_status_sets_the_host_status(emulator: EmulatorClient, client: Any) -> None:
    arn = client.create_host(
        Name="h", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gl.example"
    )["HostArn"]

    emulator.set_host_status(arn, "AVAILABLE")

    assert client.get_host(HostArn=arn)["Status"] == "AVAILABLE"


def test_connections_seeds_an_available_connection(emulator: EmulatorClient, codestar: Any) -> None:
    arn = emulator.create_connection("seeded")

    assert arn.startswith("arn:aws:codestar-connections:us-east-1:123456789012:connection/")
    assert codestar.get_connection(ConnectionArn=arn)["Connection"] == {
        "ConnectionName": "seeded",
        "ConnectionArn": arn,
        "ProviderType": "GitHub",
        "OwnerAccountId": "123456789012",
        "ConnectionStatus": "AVAILABLE",
    }
    # Seeding is not an AWS call.
    assert emulator.calls("CreateConnection") == []


def test_connections_seeds_in_any_region_account_and_api(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection(
        "ado",
        provider_type="AzureDevOps",
        region="ap-southeast-2",
        account="444455556666",
        status="ERROR",
        service="codeconnections",
        tags={"k": "v"},
    )
    client = emulator._client("codeconnections", "ap-southeast-2", access_key="444455556666")

    connection = client.get_connection(ConnectionArn=arn)["Connection"]
    assert arn.startswith("arn:aws:codeconnections:ap-southeast-2:444455556666:connection/")
    assert connection["ConnectionStatus"] == "ERROR"
    assert connection["ProviderType"] == "AzureDevOps"
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_connections_provider_type_the_api_lacks_is_invalid(emulator: EmulatorClient) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        emulator.create_connection("ado", provider_type="AzureDevOps")

    assert raised.value.status == 400
    assert raised.value.message == (
        "ProviderType must be one of Bitbucket, GitHub, GitHubEnterpriseServer, GitLab, "
        "GitLabSelfManaged for codestar-connections"
    )


def test_connections_without_a_name_is_invalid(emulator: EmulatorClient) -> None:
    assert control(emulator, "POST", "connections", b'{"ProviderType": "GitHub"}') == (
        400,
        {
            "__type": "ValidationException",
            "Message": "ConnectionName is required and must be a string",
        },
    )


def test_connections_body_that_is_not_json_is_invalid(emulator: EmulatorClient) -> None:
    status, body = control(emulator, "POST", "connections", b"{nope")

    assert status == 400
    assert body["__type"] == "ValidationException"


def test_faults_error_for_count_requests(emulator: EmulatorClient, client: Any) -> None:
    arn = emulator.create_connection("c")
    emulator.add_fault("GetConnection", error_code="ThrottlingException", count=2)

    for _ in range(2):
        with pytest.raises(ClientError) as raised:
            client.get_connection(ConnectionArn=arn)
        assert error_of(raised) == (
            "ThrottlingException",
            "ThrottlingException injected by the emulator",
        )
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    assert client.get_connection(ConnectionArn=arn)["Connection"]["ConnectionArn"] == arn
    assert [call["ErrorCode"] for call in emulator.calls("GetConnection")] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]


def test_faults_apply_only_to_their_operation(emulator: EmulatorClient, client: Any) -> None:
    emulator.add_fault("GetConnection", error_code="ThrottlingException")

    assert client.list_connections()["Connections"] == []
    assert emulator.calls("ListConnections")[0]["ErrorCode"] is None


@pytest.mark.parametrize(
    ("http_status", "code"), [(500, "InternalFailure"), (503, "ServiceUnavailable")]
)
def test_faults_server_errors(
    emulator: EmulatorClient, client: Any, http_status: int, code: str
) -> None:
    emulator.add_fault("ListConnections", http_status=http_status)

    with pytest.raises(ClientError) as raised:
        client.list_connections()

    assert error_of(raised) == (code, f"{code} injected by the emulator")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == http_status
    assert emulator.calls()[-1]["HttpStatus"] == http_status


def test_faults_error_code_message_and_status(emulator: EmulatorClient, client: Any) -> None:
    emulator.add_fault(
        error_code="ResourceUnavailableException", http_status=503, message="try later"
    )

    with pytest.raises(ClientError) as raised:
        client.list_hosts()

    assert error_of(raised) == ("ResourceUnavailableException", "try later")
    assert type(raised.value).__name__ == "ResourceUnavailableException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


def test_faults_forever_until_cleared(emulator: EmulatorClient, client: Any) -> None:
    emulator.add_fault("*", error_code="ThrottlingException", count=-1)

    for _ in range(5):
        with pytest.raises(ClientError):
            client.list_connections()
    emulator.clear_faults()

    assert client.list_connections()["Connections"] == []


def test_faults_retrying_client_sees_each_attempt(emulator: EmulatorClient) -> None:
    retrying, _ = checked_client(
        emulator, "codestar-connections", retries={"total_max_attempts": 3}
    )
    emulator.add_fault("ListConnections", http_status=503, count=2)

    assert retrying.list_connections()["ResponseMetadata"]["RetryAttempts"] == 2
    assert [call["HttpStatus"] for call in emulator.calls("ListConnections")] == [503, 503, 200]


def test_faults_latency_delays_a_successful_answer(emulator: EmulatorClient, client: Any) -> None:
    emulator.add_fault("ListConnections", latency_ms=300)

    started = time.monotonic()
    response = client.list_connections()
    slow = time.monotonic() - started
    started = time.monotonic()
    client.list_connections()
    fast = time.monotonic() - started

    assert response["Connections"] == []
    assert slow >= 0.3
    assert fast < 0.3


def test_faults_reset_connection_drops_the_request(emulator: EmulatorClient, client: Any) -> None:
    emulator.add_fault("ListConnections", reset_connection=True)

    with pytest.raises(ConnectionClosedError):
        client.list_connections()

    assert client.list_connections()["Connections"] == []
    first, second = emulator.calls("ListConnections")
    assert (first["HttpStatus"], first["ErrorCode"]) == (None, "ConnectionReset")
    assert (second["HttpStatus"], second["ErrorCode"]) == (200, None)


def test_faults_are_listed(emulator: EmulatorClient) -> None:
    emulator.add_fault("GetHost", error_code="ThrottlingException", count=3)

    assert control(emulator, "GET", "faults") == (
        200,
        {
            "Faults": [
                {
                    "Operation": "GetHost",
                    "ErrorCode": "ThrottlingException",
                    "HttpStatus": None,
                    "Message": None,
                    "Count": 3,
                    "LatencyMs": 0,
                    "ResetConnection": False,
                }
            ]
        },
    )


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({}, "A fault needs ErrorCode, HttpStatus, LatencyMs or ResetConnection"),
        ({"HttpStatus": 404}, "ErrorCode is required with HttpStatus 404"),
        ({"HttpStatus": 200}, "HttpStatus must be between 400 and 599"),
        ({"ErrorCode": "X", "Count": 0}, "Count must be a positive number, or -1 for forever"),
        ({"LatencyMs": -5}, "LatencyMs must be between 0 and 60000"),
        ({"ErrorCode": "Bad Code"}, "ErrorCode 'Bad Code' is not an error code"),
        ({"ErrorCode": "X", "Count": "2"}, "Count must be an integer"),
        (
            {"ErrorCode": "X", "Operation": "GetConnections"},
            "Operation 'GetConnections' is not an operation of either API",
        ),
    ],
)
def test_faults_that_make_no_sense_are_invalid(
    emulator: EmulatorClient, fault: dict[str, object], message: str
) -> None:
    status, body = control(emulator, "POST", "faults", json.dumps(fault).encode())

    assert (status, body) == (400, {"__type": "ValidationException", "Message": message})


def test_calls_record_every_aws_request(emulator: EmulatorClient, codeconnections: Any) -> None:
    arn = emulator.create_connection("c", service="codeconnections")
    codeconnections.get_connection(ConnectionArn=arn)
    with pytest.raises(ClientError):
        codeconnections.get_host(
            HostArn="arn:aws:codeconnections:us-east-1:123456789012:host/x-00000000"
        )

    ok, failed = emulator.calls()
    assert ok["Operation"] == "GetConnection"
    assert ok["Service"] == "codeconnections"
    assert ok["Arn"] == arn
    assert ok["Region"] == "us-east-1"
    assert ok["Account"] == "123456789012"
    assert FIXTURE_USER_AGENT in ok["UserAgent"]
    assert ok["HttpStatus"] == 200
    assert ok["ErrorCode"] is None
    assert abs(ok["Time"] - time.time()) < 60
    assert failed["Operation"] == "GetHost"
    assert failed["HttpStatus"] == 400
    assert failed["ErrorCode"] == "ResourceNotFoundException"
    assert emulator.calls("GetHost") == [failed]


def test_calls_record_the_fixture_deletion(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("c", region="eu-west-1", account="777788889999")

    emulator.delete_connection(arn)

    [call] = emulator.calls("DeleteConnection")
    assert (call["Arn"], call["Region"], call["Account"]) == (arn, "eu-west-1", "777788889999")
    assert call["AccessKeyId"] == "777788889999"  # the signing key id, as CloudTrail has it
    assert FIXTURE_USER_AGENT in call["UserAgent"]
    assert call["HttpStatus"] == 200


def test_clear_calls_empties_the_log(emulator: EmulatorClient, client: Any) -> None:
    client.list_connections()

    emulator.clear_calls()

    assert emulator.calls() == []


def test_reset_wipes_records_faults_and_calls(emulator: EmulatorClient, client: Any) -> None:
    emulator.create_connection("c")
    client.create_host(
        Name="h", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gl.example"
    )
    emulator.add_fault("ListHosts", error_code="ThrottlingException", count=-1)

    emulator.reset()

    assert emulator.calls() == []
    assert client.list_hosts()["Hosts"] == []
    assert client.list_connections()["Connections"] == []


def test_state_shows_every_record(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("c", region="sa-east-1")

    status, body = control(emulator, "GET", "state")

    assert status == 200
    assert [(c["ConnectionArn"], c["Region"]) for c in body["Connections"]] == [(arn, "sa-east-1")]
    assert body["Hosts"] == []


def test_unknown_control_route_not_found(emulator: EmulatorClient) -> None:
    assert control(emulator, "GET", "nothing-here") == (
        404,
        {"__type": "NotFound", "Message": "No control endpoint GET /_emulator/nothing-here"},
    )


def test_control_route_with_another_method_not_allowed(emulator: EmulatorClient) -> None:
    assert control(emulator, "GET", "reset") == (
        405,
        {"__type": "MethodNotAllowed", "Message": "GET is not allowed on /_emulator/reset"},
    )


def test_control_requests_are_not_in_the_call_log(emulator: EmulatorClient) -> None:
    emulator.create_connection("c")
    emulator.health()

    assert emulator.calls() == []
