"""The emulator under hostile requests: every one gets an AWS-style answer, and it keeps serving.

tests/emulator covers malformed JSON, non-object bodies, unknown and missing targets, a missing
Authorization header, bodies over 1 MiB on a kept-alive connection and wrong member types of
single members. This adds what was missing: wrong content types, deep nesting, lying
Content-Length, raw garbage on the socket, keep-alive latency, and two properties — random
bytes and random JSON members for every operation of both APIs.

An AWS-style error is the JSON 1.0 shape: a 4xx status, ``{"__type": code, "Message": text}``,
``x-amzn-ErrorType`` equal to the code, the AWS JSON content type and a request id. A 5xx
without an injected fault would be a bug in the emulator.
"""

from __future__ import annotations

import json
import re
import socket
import statistics
import time
import urllib.parse
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from devkit.raw_aws import TARGET_PREFIXES, RawResponse, aws_json_request
from emulator.client import EmulatorClient
from emulator.codestar_connections.apis import SERVICE_NAMES, service_by_name

from .strategies import json_values

AWS_JSON = "application/x-amz-json-1.0"


def assert_aws_error(response: RawResponse, status: int | None = None) -> str:
    """The response is an AWS JSON 1.0 error (4xx unless ``status``); returns its code."""
    assert 400 <= response.status < 500 if status is None else response.status == status, (
        response.status,
        response.body[:300],
    )
    body = response.json()
    assert set(body) == {"__type", "Message"}, body
    assert isinstance(body["__type"], str) and body["__type"]
    assert isinstance(body["Message"], str) and body["Message"]
    assert response.headers["x-amzn-errortype"] == body["__type"]
    assert response.headers["content-type"] == AWS_JSON
    assert response.headers["x-amzn-requestid"]
    return str(body["__type"])


def assert_still_serving(emulator: EmulatorClient) -> None:
    assert emulator.health()
    assert aws_json_request(emulator.url, "ListConnections").status == 200


def _address(emulator: EmulatorClient) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(emulator.url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _raw_exchange(emulator: EmulatorClient, payload: bytes, *, timeout: float = 10) -> bytes:
    """Send ``payload`` on a fresh socket, half-close, and read whatever comes back."""
    with socket.create_connection(_address(emulator), timeout=timeout) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/json", "application/x-amz-json-1.1", "application/cbor", ""],
)
def test_wrong_content_type_is_an_unknown_operation(
    emulator: EmulatorClient, content_type: str
) -> None:
    response = aws_json_request(
        emulator.url, "ListConnections", {}, headers={"Content-Type": content_type}
    )

    assert assert_aws_error(response, 400) == "UnknownOperationException"
    assert f"Content-Type {content_type!r} is not {AWS_JSON}" in response.json()["Message"]
    assert_still_serving(emulator)


@pytest.mark.parametrize(
    "content_type",
    [AWS_JSON, "application/x-amz-json-1.0; charset=utf-8", "APPLICATION/X-AMZ-JSON-1.0"],
)
def test_aws_json_content_type_with_parameters_or_in_capitals_is_accepted(
    emulator: EmulatorClient, content_type: str
) -> None:
    response = aws_json_request(
        emulator.url, "ListConnections", {}, headers={"Content-Type": content_type}
    )

    assert response.status == 200


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("Authorization", "MissingAuthenticationTokenException"),
        ("X-Amz-Target", "UnknownOperationException"),
    ],
)
def test_missing_header_gets_its_aws_error(
    emulator: EmulatorClient, missing: str, code: str
) -> None:
    lines = [
        "POST / HTTP/1.1",
        "Host: emulator",
        f"X-Amz-Target: {TARGET_PREFIXES['codestar-connections']}.ListConnections",
        "Authorization: AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/x/aws4_request",
        f"Content-Type: {AWS_JSON}",
        "Content-Length: 2",
        "Connection: close",
    ]
    request = "\r\n".join(line for line in lines if not line.startswith(missing)) + "\r\n\r\n{}"

    head, _, body = _raw_exchange(emulator, request.encode()).partition(b"\r\n\r\n")

    assert head.startswith(b"HTTP/1.1 4")
    assert json.loads(body)["__type"] == code
    assert_still_serving(emulator)


def test_request_without_content_type_or_length_reads_as_an_empty_aws_json_body(
    emulator: EmulatorClient,
) -> None:
    request = (
        "POST / HTTP/1.1\r\nHost: emulator\r\n"
        f"X-Amz-Target: {TARGET_PREFIXES['codeconnections']}.ListConnections\r\n"
        "Authorization: AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/x/aws4_request\r\n"
        "Connection: close\r\n\r\n"
    )

    head, _, body = _raw_exchange(emulator, request.encode()).partition(b"\r\n\r\n")

    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body) == {"Connections": []}


@pytest.mark.parametrize("where", ["body", "member"])
def test_deeply_nested_json_is_a_serialization_exception(
    emulator: EmulatorClient, where: str
) -> None:
    depth = 200_000  # far past the parser's recursion limit, well under 1 MiB
    nested = b"[" * depth + b"]" * depth
    body = nested if where == "body" else b'{"MaxResults": ' + nested + b"}"

    response = aws_json_request(emulator.url, "ListConnections", body)

    assert assert_aws_error(response, 400) == "SerializationException"
    assert response.json()["Message"] == "Request body is nested too deeply"
    assert_still_serving(emulator)


def test_deeply_nested_control_request_is_refused_as_invalid(emulator: EmulatorClient) -> None:
    host, port = _address(emulator)
    body = b"[" * 200_000
    request = (
        f"POST /_emulator/connections HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body

    head, _, answer = _raw_exchange(emulator, request).partition(b"\r\n\r\n")

    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(answer) == {
        "__type": "ValidationException",
        "Message": "Request body is nested too deeply",
    }
    assert_still_serving(emulator)


def test_content_length_larger_than_the_body_sent_leaves_the_server_serving(
    emulator: EmulatorClient,
) -> None:
    request = (
        "POST / HTTP/1.1\r\nHost: emulator\r\n"
        f"X-Amz-Target: {TARGET_PREFIXES['codestar-connections']}.ListConnections\r\n"
        "Authorization: AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/x/aws4_request\r\n"
        f"Content-Type: {AWS_JSON}\r\nContent-Length: 5000\r\n\r\n{{}}"
    )

    answer = _raw_exchange(emulator, request.encode())

    # The client stopped sending: the server answers what arrived ("{}") and moves on, rather
    # than holding a thread for the rest of a body that never comes.
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert json.loads(body) == {"Connections": []}
    assert_still_serving(emulator)


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\xff" * 512 + b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"POST / HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    ],
    ids=[
        "binary",
        "no-version",
        "http-9",
        "negative-length",
        "word-length",
        "chunked",
        "long-header",
    ],
)
def test_garbage_on_the_socket_gets_an_http_error_and_the_server_keeps_serving(
    emulator: EmulatorClient, garbage: bytes
) -> None:
    answer = _raw_exchange(emulator, garbage)

    # Nothing that parses as an HTTP/1.x request line gets http.server's HTTP/0.9-style answer:
    # the error page alone, no status line. Either way: a client error, or 505 for HTTP/9.9.
    if answer.startswith(b"HTTP/"):
        status = int(answer.split(b" ", 2)[1])
    else:
        found = re.search(rb"Error code: (\d+)", answer)
        status = int(found[1]) if found else 400
    assert 400 <= status < 500 or status == 505, answer[:200]
    assert_still_serving(emulator)


def test_keep_alive_answers_come_without_a_delayed_ack_stall(
    emulator: EmulatorClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # With Nagle on, every response's body waited for the client's delayed ACK (~40 ms).
    arn = emulator.create_connection("fast")
    client = emulator.boto3_client()
    client.get_connection(ConnectionArn=arn)  # connect outside the measurement
    timings = []
    for _ in range(25):
        started = time.perf_counter()
        client.get_connection(ConnectionArn=arn)
        timings.append(time.perf_counter() - started)

    median_ms = statistics.median(timings) * 1000
    with capsys.disabled():
        print(f"\nGetConnection over keep-alive: median {median_ms:.1f} ms of 25")
    assert median_ms < 30


# ---- properties ------------------------------------------------------------------------------


_bodies = (
    st.binary(max_size=300)
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.dictionaries(st.text(max_size=12), json_values, max_size=4).map(
        lambda value: json.dumps(value).encode()
    )
)
_header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)


def _targets() -> st.SearchStrategy[str | None]:
    known = [
        f"{TARGET_PREFIXES[name]}.{operation}"
        for name in SERVICE_NAMES
        for operation in service_by_name(name).model.operation_names
    ]
    return st.sampled_from(known) | _header_text | st.none()


def test_property_random_requests_get_a_well_formed_aws_answer(emulator: EmulatorClient) -> None:
    @given(
        target=_targets(),
        body=_bodies,
        content_type=st.sampled_from([AWS_JSON, "application/json"]) | st.none() | _header_text,
        authorization=st.sampled_from(["sigv4"]) | st.none() | _header_text,
    )
    def send(
        target: str | None, body: bytes, content_type: str | None, authorization: str | None
    ) -> None:
        headers = {} if content_type is None else {"Content-Type": content_type}
        if target is not None:
            headers["X-Amz-Target"] = target

        response = aws_json_request(
            emulator.url, None, body, authorization=authorization, headers=headers
        )

        if response.status == 200:
            event("200")
            assert isinstance(response.json(), dict)
            assert response.headers["content-type"] == AWS_JSON
        else:
            event(assert_aws_error(response))

    send()
    assert_still_serving(emulator)


def _operation_members() -> st.SearchStrategy[tuple[str, str, dict[str, Any]]]:
    """(service, operation, members): each member of the model present or not, of any type."""
    choices = []
    for name in SERVICE_NAMES:
        model = service_by_name(name).model
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            members = sorted(shape.members) if shape is not None else []
            choices.append(
                st.tuples(
                    st.just(name),
                    st.just(operation),
                    st.fixed_dictionaries(
                        {},
                        optional={
                            member: json_values | st.text(max_size=300) for member in members
                        },
                    ),
                )
            )
    return st.one_of(choices)


def test_property_members_of_any_type_get_an_answer_never_an_internal_failure(
    emulator: EmulatorClient,
) -> None:
    @given(request=_operation_members())
    def send(request: tuple[str, str, dict[str, Any]]) -> None:
        service, operation, members = request

        response = aws_json_request(emulator.url, operation, members, service=service)

        if response.status == 200:
            event(f"{operation}: 200")
        else:
            event(f"{operation}: {assert_aws_error(response)}")

    send()
    assert_still_serving(emulator)
