"""Faults on the wire, through Pulumi's real dynamic provider host: a blip never shows, an outage
fails clearly and quickly, and neither ever loses a resource.

Each scenario arms a fault in the emulator (``/_emulator/faults``), runs the engine's calls
(Check for preview/up, Read for refresh) and prints what it cost. botocore's standard retry
mode does the retrying; the attempts come from ``AWS_MAX_ATTEMPTS``, the shared config file's
``max_attempts`` or the provider option ``codestar:maxAttempts`` (host_env sets the variable
to 3 unless a test removes it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from emulator.client import EmulatorClient
from tests.support.call_log import provider_calls
from tests.support.dynamic_host import DynamicHost

from .conftest import HostFactory, Stopwatch

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
# Three attempts: at most 1 s + 2 s of throttling backoff (botocore's standard mode), or three
# 1 s read timeouts; the rest is margin for a shared, loaded machine.
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


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (
            {"error_code": "ServiceUnavailable", "http_status": 503},
            "failed after 3 attempt(s) (ServiceUnavailable",
        ),
        (
            {"error_code": "ResourceUnavailableException", "http_status": 400},
            "is unavailable (ResourceUnavailableException",
        ),
        ({"latency_ms": 2000}, "failed after 3 attempt(s) (ReadTimeoutError"),
    ],
    ids=["503", "ResourceUnavailableException", "read timeout"],
)
def test_refresh_during_an_outage_raises_instead_of_dropping_the_resource(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    capsys: pytest.CaptureFixture[str],
    fault: dict[str, Any],
    expected: str,
) -> None:
    host = host_factory({"codestar:readTimeout": "1"})
    arn = emulator.create_connection("kept")
    inputs, id_, outputs = _deployed(host, arn)
    emulator.clear_calls()
    emulator.add_fault("GetConnection", count=-1, **fault)

    with Stopwatch() as took, pytest.raises(grpc.RpcError) as raised:
        host.read(id_, outputs, inputs)
    wait_for_stalled_calls(emulator, "GetConnection", 1 if "latency_ms" not in fault else 3)

    details = raised.value.details() or ""
    cause = expected.rsplit("(", maxsplit=1)[-1]
    report(capsys, f"refresh during {cause}: raised in {took.seconds:.2f} s")
    # An error, not an empty id: the engine keeps the resource and its state as they were.
    assert expected in details
    assert arn in details
    assert took.seconds < FAILURE_BOUND_SECONDS


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
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    # AWS_ENDPOINT_URL covers STS too: a role read through an endpoint that is not STS gets
    # an answer botocore cannot parse, which is not a BotoCoreError.
    arn = emulator.create_connection("behind-a-role")
    host = host_factory()

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
