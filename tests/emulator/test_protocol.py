"""The AWS JSON 1.0 wire: authentication, targets, bodies, error format, connection handling."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devkit.raw_aws import TARGET_PREFIXES, RawResponse, aws_json_request
from emulator.client import EmulatorClient
from tests.emulator.test_connections import error_of

MIB = 1024 * 1024


def assert_aws_error(response: RawResponse, status: int, code: str, message: str) -> None:
    """The error exactly as AWS JSON services send it."""
    assert response.status == status
    assert response.json() == {"__type": code, "Message": message}
    assert response.headers["x-amzn-errortype"] == code
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    assert response.headers["x-amzn-requestid"]


def test_request_without_authorization_is_refused(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, "ListConnections", authorization=None)

    assert_aws_error(
        response, 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
    )
    [call] = emulator.calls()
    assert call["Operation"] == "ListConnections"
    assert call["HttpStatus"] == 403
    assert call["ErrorCode"] == "MissingAuthenticationTokenException"
    assert call["Region"] is None


def test_request_with_authorization_but_no_credential_is_refused(
    emulator: EmulatorClient,
) -> None:
    response = aws_json_request(emulator.url, "ListConnections", authorization="Bearer x")

    assert_aws_error(
        response,
        400,
        "IncompleteSignatureException",
        "Authorization header requires a SigV4 'Credential' parameter of the form "
        "Credential=KEY/YYYYMMDD/REGION/SERVICE/aws4_request",
    )


def test_request_region_comes_from_the_credential_scope(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("eu", region="eu-central-1")

    response = aws_json_request(
        emulator.url, "GetConnection", {"ConnectionArn": arn}, region="eu-central-1"
    )

    assert response.status == 200
    assert response.json()["Connection"]["ConnectionArn"] == arn
    assert emulator.calls()[-1]["Region"] == "eu-central-1"


def test_malformed_json_is_a_serialization_exception(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, "ListConnections", b'{"MaxResults": ')

    assert_aws_error(response, 400, "SerializationException", "Request body is not valid JSON")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_body_that_is_not_an_object_is_a_serialization_exception(
    emulator: EmulatorClient, body: bytes
) -> None:
    response = aws_json_request(emulator.url, "ListConnections", body)

    assert_aws_error(response, 400, "SerializationException", "Request body must be a JSON object")


def test_empty_body_means_no_members(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, "ListConnections", b"")

    assert response.status == 200
    assert response.json() == {"Connections": []}


def test_unknown_target_is_an_unknown_operation(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, None, target="DynamoDB_20120810.ListTables")

    assert_aws_error(
        response,
        400,
        "UnknownOperationException",
        "Unknown operation: X-Amz-Target 'DynamoDB_20120810.ListTables' names no CodeStar "
        "Connections or CodeConnections operation",
    )
    assert emulator.calls()[-1]["ErrorCode"] == "UnknownOperationException"


def test_missing_target_is_an_unknown_operation(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, None)

    assert_aws_error(
        response,
        400,
        "UnknownOperationException",
        "Unknown operation: the X-Amz-Target header is missing",
    )


def test_unknown_operation_of_a_known_api_is_an_unknown_operation(
    emulator: EmulatorClient,
) -> None:
    response = aws_json_request(emulator.url, "ListBuckets", service="codeconnections")

    assert_aws_error(
        response,
        400,
        "UnknownOperationException",
        "Unknown operation: codeconnections has no operation 'ListBuckets'",
    )


@pytest.mark.parametrize("service", list(TARGET_PREFIXES))
def test_short_target_prefix_is_accepted(emulator: EmulatorClient, service: str) -> None:
    short = TARGET_PREFIXES[service].rsplit(".", 1)[-1]

    response = aws_json_request(emulator.url, None, target=f"{short}.ListConnections")

    assert response.status == 200
    assert emulator.calls()[-1]["Service"] == service


def test_operation_the_emulator_lacks_is_unsupported(client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        client.list_repository_links()

    assert error_of(raised) == (
        "UnsupportedOperationException",
        "ListRepositoryLinks is not supported by the CodeStar Connections emulator",
    )


def test_body_over_1_mib_is_refused_and_the_connection_stays_usable(
    emulator: EmulatorClient,
) -> None:
    parts = urllib.parse.urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    headers = {
        "X-Amz-Target": f"{TARGET_PREFIXES['codestar-connections']}.ListConnections",
        "Authorization": "AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/x/aws4_request",
    }
    try:
        big = json.dumps({"Pad": "x" * MIB}).encode()
        connection.request("POST", "/", body=big, headers=headers)
        refused = connection.getresponse()
        refused_body = json.loads(refused.read())
        connection.request("POST", "/", body=b"{}", headers=headers)
        after = connection.getresponse()
        after.read()
    finally:
        connection.close()

    assert refused.status == 413
    assert refused_body == {
        "__type": "RequestEntityTooLargeException",
        "Message": "Request body exceeds the limit of 1048576 bytes",
    }
    assert after.status == 200
    assert emulator.calls()[0]["ErrorCode"] == "RequestEntityTooLargeException"


def test_body_of_exactly_1_mib_is_accepted(emulator: EmulatorClient) -> None:
    padding = MIB - len(json.dumps({"Pad": ""}))

    response = aws_json_request(emulator.url, "ListConnections", {"Pad": "x" * padding})

    assert response.status == 200


def test_members_the_model_does_not_know_are_ignored(emulator: EmulatorClient) -> None:
    response = aws_json_request(emulator.url, "ListConnections", {"Surprise": 1})

    assert response.status == 200


def test_every_response_carries_a_request_id(emulator: EmulatorClient, client: Any) -> None:
    ok = client.list_connections()["ResponseMetadata"]
    with pytest.raises(ClientError) as raised:
        client.get_host(HostArn="arn:aws:codestar-connections:us-east-1:123456789012:host/x-1")

    assert ok["RequestId"]
    assert raised.value.response["ResponseMetadata"]["RequestId"] != ok["RequestId"]
    assert aws_json_request(emulator.url, None).headers["x-amzn-requestid"]


def test_keep_alive_serves_many_requests_on_one_connection(emulator: EmulatorClient) -> None:
    parts = urllib.parse.urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    headers = {
        "X-Amz-Target": f"{TARGET_PREFIXES['codeconnections']}.ListConnections",
        "Authorization": "AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/x/aws4_request",
    }
    statuses = []
    try:
        connection.connect()
        first_socket = connection.sock
        for body in (b"{}", b"not json", b"{}"):
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        assert connection.sock is first_socket
    finally:
        connection.close()

    assert statuses == [200, 400, 200]


def test_server_keeps_serving_after_bad_requests(emulator: EmulatorClient, client: Any) -> None:
    aws_json_request(emulator.url, "ListConnections", b"\xff\xfe garbage")
    aws_json_request(emulator.url, None, target="..")
    aws_json_request(emulator.url, "ListConnections", authorization=None)
    aws_json_request(emulator.url, "GetConnection", {"ConnectionArn": ["not", "a", "string"]})

    assert client.list_connections()["Connections"] == []


def test_http_method_the_server_lacks_still_gets_a_request_id(emulator: EmulatorClient) -> None:
    parts = urllib.parse.urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("PATCH", "/")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()

    assert response.status == 501
    assert response.getheader("x-amzn-RequestId")
    assert emulator.health()
