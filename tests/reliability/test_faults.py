"""Faults on the wire, through Pulumi's real dynamic provider host: a blip never shows, an outage
fails clearly and quickly, and neither ever loses a resource.

Each scenario arms a fault in the emulator (``/_emulator/faults``), runs the engine's calls
(Check for preview/up, Read for refresh) and prints what it cost. botocore's adaptive retry
mode (standard mode's backoff, plus a client-side rate limiter once AWS throttles) does the
retrying; the attempts come from ``AWS_MAX_ATTEMPTS``, the shared config file's
``max_attempts`` or the provider option ``codestar:maxAttempts`` (host_env sets the variable
to 3 unless a test removes it).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
import pytest

from devkit.dynamic_host import DynamicHost
from emulator.client import EmulatorClient
from tests.support.call_log import provider_calls
from tests.support.hosts import HostFactory

from .conftest import Stopwatch

# One fault each, as a test names it: add_fault() keywords.
TRANSIENT: dict[str, dict[str, Any]] = {
    "ThrottlingException": {"error_code": "ThrottlingException", "http_status": 400},
    "InternalFailure/500": {"error_code": "InternalFailure", "http_status": 500},
    "ServiceUnavailable/503": {"error_code": "ServiceUnavailable", "http_status": 503},
    "connection reset": {"reset_connection": True},
}
# What the last attempt's failure is called in our message.
LAST_ERROR = {
    "ThrottlingException": "ThrottlingException",
    "InternalFailure/500": "InternalFailure",
    "ServiceUnavailable/503": "ServiceUnavailable",
    "connection reset": "ConnectionClosedError",
}
# Three attempts: at most 1 s + 2 s of throttling backoff (botocore's, the same in adaptive
# mode as in standard), or three 1 s read timeouts; the rest is margin for a shared, loaded
# machine.
FAILURE_BOUND_SECONDS = 15.0


@dataclass(frozen=True)
class Outcome:
    failures: list[tuple[str, str]]
    seconds: float
    attempts: int


def checked(host: DynamicHost, emulator: EmulatorClient, inputs: dict[str, Any]) -> Outcome:
    """Check (what preview and up run first), timed, with the GetConnection attempts it made."""
    with Stopwatch() as took:
        _, failures = host.check(inputs)
    return Outcome(failures, took.seconds, len(provider_calls(emulator, "GetConnection")))


def wait_for_stalled_calls(emulator: EmulatorClient, operation: str, expected: int) -> None:
    """Delayed answers land in the call log only when their delay ends; wait for them so that
    they cannot appear in the next test's log."""
    deadline = time.monotonic() + 10
    while len(emulator.calls(operation)) < expected and time.monotonic() < deadline:
        time.sleep(0.1)


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n{line}")


@pytest.mark.parametrize("fault", sorted(TRANSIENT))
def test_transient_fault_is_retried_without_any_error_shown(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    capsys: pytest.CaptureFixture[str],
    fault: str,
) -> None:
    arn = emulator.create_connection("blip")
    emulator.add_fault("GetConnection", count=2, **TRANSIENT[fault])
    host = host_factory()

    outcome = checked(host, emulator, {"connectionArn": arn})

    report(
        capsys,
        f"{fault} x2 on GetConnection: recovered in {outcome.seconds:.2f} s, "
        f"{outcome.attempts} attempts",
    )
    assert outcome.failures == []
    assert outcome.attempts == 3


def test_transient_faults_on_every_call_of_a_name_lookup_are_retried(
    host_factory: HostFactory, emulator: EmulatorClient, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.create_connection("listed")
    emulator.add_fault("ListConnections", reset_connection=True, count=1)
    emulator.add_fault("ListTagsForResource", error_code="ThrottlingException", count=1)
    host = host_factory()

    with Stopwatch() as took:
        inputs, failures = host.check({"connectionName": "listed"})

    operations = [call["Operation"] for call in provider_calls(emulator)]
    report(capsys, f"name lookup with a reset and a throttle: recovered in {took.seconds:.2f} s")
    assert failures == []
    assert inputs["observed"]["connectionName"] == "listed"
    assert operations.count("ListConnections") == operations.count("ListTagsForResource") == 2


def test_latency_below_the_read_timeout_is_waited_for_not_retried(
    host_factory: HostFactory, emulator: EmulatorClient, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = emulator.create_connection("slow")
    emulator.add_fault("GetConnection", latency_ms=300, count=-1)
    host = host_factory({"codestar:readTimeout": "1"})

    outcome = checked(host, emulator, {"connectionArn": arn})

    report(capsys, f"300 ms latency, 1 s read timeout: answered in {outcome.seconds:.2f} s")
    assert outcome.failures == []
    assert outcome.attempts == 1


def _config_file(tmp_path: Any, attempts: int) -> dict[str, str]:
    config = tmp_path / "aws-config"
    config.write_text(f"[default]\nmax_attempts = {attempts}\n")
    return {"AWS_CONFIG_FILE": str(config)}


# (stack config, environment) for four attempts, from each of the three places that set them.
ATTEMPT_SOURCES: dict[str, Callable[[Any], tuple[dict[str, str], dict[str, str]]]] = {
    "AWS_MAX_ATTEMPTS": lambda _: ({}, {"AWS_MAX_ATTEMPTS": "4"}),
    "shared config file max_attempts": lambda tmp: ({}, _config_file(tmp, 4)),
    "codestar:maxAttempts": lambda _: ({"codestar:maxAttempts": "4"}, {}),
}


@pytest.mark.parametrize("source", sorted(ATTEMPT_SOURCES))
def test_max_attempts_is_taken_from_each_of_its_three_sources(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
    source: str,
) -> None:
    arn = emulator.create_connection("counted")
    emulator.add_fault("GetConnection", error_code="ServiceUnavailable", http_status=503, count=-1)
    config, env = ATTEMPT_SOURCES[source](tmp_path)
    # Without the variable, botocore's default (3) would apply; only `source` may say 4.
    host = host_factory(
        config, unset=() if "AWS_MAX_ATTEMPTS" in env else ("AWS_MAX_ATTEMPTS",), **env
    )

    outcome = checked(host, emulator, {"connectionArn": arn})

    report(capsys, f"max attempts from {source}: {outcome.attempts} GetConnection attempts")
    assert outcome.attempts == 4
    [(_, reason)] = outcome.failures
    assert "failed after 4 attempt(s) (ServiceUnavailable" in reason


@pytest.mark.parametrize("fault", sorted(TRANSIENT))
def test_persistent_fault_fails_naming_operation_attempts_and_last_error_in_bounded_time(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    capsys: pytest.CaptureFixture[str],
    fault: str,
) -> None:
    arn = emulator.create_connection("down")
    emulator.add_fault("GetConnection", count=-1, **TRANSIENT[fault])
    host = host_factory()

    outcome = checked(host, emulator, {"connectionArn": arn})

    [(property_, reason)] = outcome.failures
    report(
        capsys,
        f"persistent {fault}: failed in {outcome.seconds:.2f} s after {outcome.attempts} "
        f"attempts: …{reason.split(arn)[-1]}",
    )
    assert property_ == "connectionArn"
    assert f"GetConnection for connection {arn}" in reason
    assert "failed after 3 attempt(s)" in reason
    assert LAST_ERROR[fault] in reason
    assert outcome.attempts == 3
    assert outcome.seconds < FAILURE_BOUND_SECONDS


def test_latency_above_the_read_timeout_fails_clearly_in_bounded_time(
    host_factory: HostFactory, emulator: EmulatorClient, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = emulator.create_connection("stalled")
    emulator.add_fault("GetConnection", latency_ms=2000, count=-1)
    host = host_factory({"codestar:readTimeout": "1"})

    outcome = checked(host, emulator, {"connectionArn": arn})
    wait_for_stalled_calls(emulator, "GetConnection", 3)

    [(_, reason)] = outcome.failures
    report(
        capsys,
        f"2 s latency, 1 s read timeout: failed in {outcome.seconds:.2f} s: "
        f"…{reason.split(arn)[-1]}",
    )
    assert f"GetConnection for connection {arn} failed after 3 attempt(s)" in reason
    assert "ReadTimeoutError" in reason
    assert "could not reach the codestar-connections endpoint in us-east-1" in reason
    assert 3.0 <= outcome.seconds < FAILURE_BOUND_SECONDS


def _deployed(host: DynamicHost, arn: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    inputs, failures = host.check({"connectionArn": arn})
    assert failures == []
    id_, outputs = host.create(inputs)
    return inputs, id_, outputs


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def not_aws() -> Iterator[str]:
    """An HTTP endpoint that answers every request 200 with JSON no AWS protocol expects."""

    class Answer(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"hello": "this is not STS"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class ReadFault:
    """What goes wrong during a refresh's Read, and what the error must then say."""

    operation: str = "GetConnection"
    """The call that fails (every Read makes GetConnection, ListTagsForResource and GetHost)."""
    arm: dict[str, Any] = field(default_factory=dict)
    """add_fault() keywords, armed for every call of ``operation``."""
    env: dict[str, str] = field(default_factory=dict)
    """The refreshing host's environment instead ("" unsets a variable)."""
    props: dict[str, Any] = field(default_factory=dict)
    """Added to the resource's state (e.g. a role to read through)."""
    expected: str = ""
    """In the error the engine gets (and shows); ``{port}`` is the closed port."""


def _client_error(code: str, status: int = 400, operation: str = "GetConnection") -> ReadFault:
    return ReadFault(operation, {"error_code": code, "http_status": status}, expected=f"({code}")


# Every kind of failure the lookup can meet in a Read, by botocore error class: AWS's error codes
# (retryable or not, on each of the three calls), transport failures, credentials, and answers
# that are not AWS's. Only GetConnection's ResourceNotFoundException means "gone"
# (test_lifecycle.py: refresh drops a deleted connection); everything here must keep it.
READ_FAULTS: dict[str, ReadFault] = {
    "ThrottlingException": _client_error("ThrottlingException"),
    "AccessDeniedException": _client_error("AccessDeniedException"),
    "ResourceUnavailableException": _client_error("ResourceUnavailableException"),
    "ValidationException": _client_error("ValidationException"),
    "UnrecognizedClientException": _client_error("UnrecognizedClientException"),
    "ExpiredTokenException": _client_error("ExpiredTokenException"),
    "InternalFailure/500": _client_error("InternalFailure", 500),
    "ServiceUnavailable/503": _client_error("ServiceUnavailable", 503),
    "an unknown error code": _client_error("SomethingNewException"),
    "connection reset": ReadFault(arm={"reset_connection": True}, expected="ConnectionClosedError"),
    "read timeout": ReadFault(arm={"latency_ms": 2000}, expected="(ReadTimeoutError"),
    "connection refused": ReadFault(
        env={"AWS_ENDPOINT_URL": "http://127.0.0.1:{port}"}, expected="EndpointConnectionError"
    ),
    "no credentials": ReadFault(
        env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": ""},
        expected="no usable AWS credentials",
    ),
    "profile not found": ReadFault(
        env={"AWS_PROFILE": "no-such-profile"}, expected="'no-such-profile' not found"
    ),
    "an answer that is not AWS's (STS at a plain JSON server)": ReadFault(
        env={"AWS_ENDPOINT_URL_STS": "{not_aws}"},
        props={"assumeRoleArn": "arn:aws:iam::123456789012:role/reader"},
        expected="ResponseParserError",
    ),
    "tags: ThrottlingException": _client_error(
        "ThrottlingException", operation="ListTagsForResource"
    ),
    "tags: AccessDeniedException": _client_error(
        "AccessDeniedException", operation="ListTagsForResource"
    ),
    "tags: ResourceNotFoundException": _client_error(
        "ResourceNotFoundException", operation="ListTagsForResource"
    ),
    "host: ThrottlingException": _client_error("ThrottlingException", operation="GetHost"),
    "host: AccessDeniedException": _client_error("AccessDeniedException", operation="GetHost"),
    "host: ResourceNotFoundException": _client_error(
        "ResourceNotFoundException", operation="GetHost"
    ),
}


@pytest.mark.parametrize("case", list(READ_FAULTS))
def test_refresh_raises_and_never_drops_the_resource_on_any_error_but_not_found(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    not_aws: str,
    capsys: pytest.CaptureFixture[str],
    case: str,
) -> None:
    fault = READ_FAULTS[case]
    config = {"codestar:readTimeout": "1", "codestar:maxAttempts": "2"}
    host_arn = emulator.create_host(endpoint="https://ghes.example")
    arn = emulator.create_connection(
        "kept", provider_type="GitHubEnterpriseServer", host_arn=host_arn
    )
    inputs, id_, outputs = _deployed(host_factory(config), arn)
    port = _closed_port()
    env = {name: value.format(port=port, not_aws=not_aws) for name, value in fault.env.items()}
    refreshing = host_factory(
        config,
        unset=tuple(n for n, v in env.items() if not v),
        **{name: value for name, value in env.items() if value},
    )
    emulator.clear_calls()
    if fault.arm:
        emulator.add_fault(fault.operation, count=-1, **fault.arm)

    with Stopwatch() as took, pytest.raises(grpc.RpcError) as raised:
        # An empty id here would tell the engine the connection is gone: `pulumi refresh`
        # would drop it from state. An error keeps the resource and its state as they were.
        dropped = refreshing.read(id_, {**outputs, **fault.props}, inputs)
        pytest.fail(f"Read returned {dropped[0]!r} instead of raising", pytrace=False)
    if "latency_ms" in fault.arm:
        wait_for_stalled_calls(emulator, fault.operation, 2)

    details = raised.value.details() or ""
    report(capsys, f"refresh meeting {case}: raised in {took.seconds:.2f} s")
    assert fault.expected.format(port=port) in details, details
    assert arn in details or host_arn in details, details
    assert took.seconds < FAILURE_BOUND_SECONDS


def test_a_failed_lookup_leaves_no_call_running_behind_it(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    # By ARN, the tags are read alongside GetConnection. When GetConnection fails first, the
    # tags call must still end before Check answers: no call outlives the lookup it served
    # (a late one would reach AWS after the engine has moved on, credentials and all).
    arn = emulator.create_connection("half-done")
    emulator.add_fault("ListTagsForResource", latency_ms=1000, count=1)
    emulator.add_fault("GetConnection", error_code="AccessDeniedException", count=1)
    host = host_factory()

    _, failures = host.check({"connectionArn": arn})
    when_check_answered = emulator.calls()
    time.sleep(1.5)

    [(_, reason)] = failures
    assert "AccessDeniedException" in reason
    assert emulator.calls() == when_check_answered
    assert {c["Operation"] for c in when_check_answered} >= {"GetConnection", "ListTagsForResource"}


def test_resource_unavailable_says_what_to_do(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("unavailable")
    emulator.add_fault("GetConnection", error_code="ResourceUnavailableException", count=-1)
    host = host_factory()

    outcome = checked(host, emulator, {"connectionArn": arn})

    [(property_, reason)] = outcome.failures
    assert property_ == "connectionArn"
    assert reason.startswith(f"connection {arn} in us-east-1 is unavailable")
    assert "retry later; if it persists, check the connection under Developer Tools" in reason
    assert outcome.attempts == 1  # not retryable: AWS says so at once


def test_sts_endpoint_that_answers_in_another_protocol_fails_check_clearly(
    host_factory: HostFactory, emulator: EmulatorClient, not_aws: str
) -> None:
    # A role read through an endpoint that is not STS (a proxy's or another service's JSON)
    # gets an answer botocore cannot parse, which is not a BotoCoreError.
    arn = emulator.create_connection("behind-a-role")
    host = host_factory(AWS_ENDPOINT_URL_STS=not_aws)

    _, failures = host.check(
        {"connectionArn": arn, "assumeRoleArn": "arn:aws:iam::123456789012:role/reader"}
    )

    [(property_, reason)] = failures
    assert property_ == "connectionArn"
    assert "ResponseParserError" in reason
    assert "check the network, the region and AWS_ENDPOINT_URL" in reason


def test_validation_exception_is_reported_as_invalid_input_not_as_a_blip(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("refused")
    emulator.add_fault("GetConnection", error_code="ValidationException", count=-1)
    host = host_factory()

    outcome = checked(host, emulator, {"connectionArn": arn})

    [(_, reason)] = outcome.failures
    assert reason.startswith(f"AWS refused GetConnection for connection {arn} in us-east-1")
    assert "retrying will not help" in reason
    assert "retry later" not in reason
    assert outcome.attempts == 1
