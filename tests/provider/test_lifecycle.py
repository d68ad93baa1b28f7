"""The provider in the sequences the engine drives, through the real dynamic provider host."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import UNKNOWN

from devkit.dynamic_host import DynamicHost
from emulator.client import EmulatorClient
from tests.support.call_log import MUTATING_PREFIXES, provider_calls
from tests.support.hosts import HostFactory

DIFF_UNKNOWN = provider_pb2.DiffResponse.DIFF_UNKNOWN
DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME
# A well-formed ARN of a connection nobody created: for failures that come before any answer.
UNSEEN = {"connectionArn": "arn:aws:codestar-connections:us-east-1:123456789012:connection/x"}


def up(host: DynamicHost, arn: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """``pulumi up`` of a new resource: Check → Create. Returns (inputs, id, outputs)."""
    return host.up({"connectionArn": arn})


def test_up_creates_with_every_output_from_one_get_connection(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", provider_type="GitHub")

    inputs, id_, outputs = up(host, arn)

    assert id_ == arn
    assert outputs == {
        "connectionArn": arn,
        "connectionName": "github-main",
        "providerType": "GitHub",
        "ownerAccountId": "123456789012",
        "connectionStatus": "AVAILABLE",
        # Not null: Pulumi would drop it, and every later preview would show it as unknown.
        "hostArn": "",
        "tags": {},
        "host": {},
        "service": "codestar-connections",
        "region": "us-east-1",
    }
    assert inputs["observed"]["connectionStatus"] == "AVAILABLE"
    assert len(provider_calls(emulator, "GetConnection")) == 1


def test_preview_without_change_reports_no_diff(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("quiet", provider_type="Bitbucket")
    old_inputs, id_, outputs = up(host, arn)
    emulator.clear_calls()

    inputs, failures = host.check({"connectionArn": arn}, olds=old_inputs)
    diff = host.diff(id_, outputs, inputs)

    assert failures == []
    # No decision from the provider: the engine compares inputs, which are equal → no change.
    assert diff.changes == DIFF_UNKNOWN
    assert inputs == old_inputs
    assert len(provider_calls(emulator, "GetConnection")) == 1


@pytest.mark.parametrize(("before", "after"), [("AVAILABLE", "ERROR"), ("PENDING", "AVAILABLE")])
def test_preview_shows_drift_when_status_changes(
    host: DynamicHost, emulator: EmulatorClient, before: str, after: str
) -> None:
    arn = emulator.create_connection("drifting", status=before)
    old_inputs, id_, outputs = up(host, arn)
    emulator.set_status(arn, after)

    inputs, _ = host.check({"connectionArn": arn}, olds=old_inputs)
    diff = host.diff(id_, outputs, inputs)

    assert diff.changes == DIFF_SOME
    assert diff.replaces == []
    # The engine shows the input diff: it names connectionStatus, old and new.
    assert old_inputs["observed"]["connectionStatus"] == before
    assert inputs["observed"]["connectionStatus"] == after


def test_preview_shows_drift_when_host_changes(host: DynamicHost, emulator: EmulatorClient) -> None:
    host_arn = emulator.create_host()
    arn = emulator.create_connection("enterprise", host_arn=host_arn)
    old_inputs, id_, outputs = up(host, arn)
    assert outputs["hostArn"] == host_arn
    assert outputs["providerType"] == "GitHubEnterpriseServer"
    # State recorded another host than the one AWS reports now.
    stale = {**outputs, "hostArn": host_arn.replace("ghes-", "old-")}

    inputs, _ = host.check({"connectionArn": arn}, olds=old_inputs)

    assert host.diff(id_, stale, inputs).changes == DIFF_SOME
    assert host.diff(id_, outputs, inputs).changes == DIFF_UNKNOWN


def test_up_after_drift_records_the_new_status(host: DynamicHost, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("handshake", status="PENDING")
    old_inputs, id_, outputs = up(host, arn)
    emulator.set_status(arn, "AVAILABLE")
    emulator.clear_calls()

    inputs, _ = host.check({"connectionArn": arn}, olds=old_inputs)
    new_outputs = host.update(id_, outputs, inputs)

    assert new_outputs == {**outputs, "connectionStatus": "AVAILABLE"}
    assert len(provider_calls(emulator, "GetConnection")) == 1


def test_refresh_reads_current_outputs_and_keeps_the_recorded_inputs(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("refreshing")
    old_inputs, id_, outputs = up(host, arn)
    emulator.set_status(arn, "ERROR")

    read_id, read_outputs, read_inputs = host.read(id_, outputs, old_inputs)

    assert read_id == arn
    assert read_outputs == {**outputs, "connectionStatus": "ERROR"}
    # No inputs in the answer: the engine keeps what the last `pulumi up` recorded.
    assert read_inputs == {}


def test_preview_after_refresh_still_shows_the_drift_until_up_accepts_it(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("refreshed-drift")
    old_inputs, id_, outputs = up(host, arn)
    emulator.set_status(arn, "ERROR")
    _, refreshed_outputs, _ = host.read(id_, outputs, old_inputs)

    inputs, _ = host.check({"connectionArn": arn}, olds=old_inputs)
    diff = host.diff(id_, refreshed_outputs, inputs)

    # Outputs are current, so the provider leaves it to the engine's input comparison, which
    # sees AVAILABLE (recorded by `up`) against ERROR (now) and plans an update.
    assert diff.changes == DIFF_UNKNOWN
    assert old_inputs["observed"]["connectionStatus"] == "AVAILABLE"
    assert inputs["observed"]["connectionStatus"] == "ERROR"


def test_refresh_drops_a_deleted_connection(host: DynamicHost, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("doomed")
    old_inputs, id_, outputs = up(host, arn)
    emulator.delete_connection(arn)

    read_id, read_outputs, _ = host.read(id_, outputs, old_inputs)

    assert read_id == ""
    assert read_outputs == {}


def test_check_fails_clearly_when_the_connection_was_deleted(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("gone")
    old_inputs, _, _ = up(host, arn)
    emulator.delete_connection(arn)

    _, failures = host.check({"connectionArn": arn}, olds=old_inputs)

    assert failures == [
        (
            "connectionArn",
            f"connection {arn} not found in us-east-1 (ResourceNotFoundException): "
            "check the ARN, region and account",
        )
    ]


def test_changing_the_arn_replaces_the_resource(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    first = emulator.create_connection("first")
    second = emulator.create_connection("second")
    _, id_, outputs = up(host, first)

    inputs, _ = host.check({"connectionArn": second})

    assert host.diff(id_, outputs, inputs).replaces == ["connectionArn"]


def test_unknown_arn_during_preview_makes_no_call_and_plans_a_replace(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("later")
    _, id_, outputs = up(host, arn)
    emulator.clear_calls()

    inputs, failures = host.check({"connectionArn": UNKNOWN})
    diff = host.diff(id_, outputs, inputs)

    assert failures == []
    assert set(inputs) == {"connectionArn"}
    assert diff.replaces == ["connectionArn"]
    assert emulator.calls() == []


def test_destroy_makes_no_aws_call_and_keeps_the_connection(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("kept")
    _, id_, outputs = up(host, arn)
    emulator.clear_calls()

    host.delete(id_, outputs)

    assert emulator.calls() == []
    assert emulator.boto3_client().get_connection(ConnectionArn=arn)["Connection"]["ConnectionArn"]


def test_provider_makes_no_mutating_call_in_a_whole_lifecycle(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("lifecycle")
    old_inputs, id_, outputs = up(host, arn)
    emulator.set_status(arn, "ERROR")
    inputs, _ = host.check({"connectionArn": arn}, olds=old_inputs)
    host.diff(id_, outputs, inputs)
    outputs = host.update(id_, outputs, inputs)
    host.read(id_, outputs, inputs)
    host.delete(id_, outputs)

    operations = {call["Operation"] for call in provider_calls(emulator)}

    assert operations == {"GetConnection", "ListTagsForResource"}
    assert not [op for op in operations if op.startswith(MUTATING_PREFIXES)]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "the connection ARN is empty"),
        ("   ", "the connection ARN is empty"),
        ("not-an-arn", "is not an ARN"),
        ("arn:aws:s3:::bucket", "is a s3 ARN, not a CodeStar connection ARN"),
        (
            "arn:aws:codestar-connections:us-east-1:123456789012:host/ghes-0a1b2c3d",
            "is a host ARN, not a connection ARN",
        ),
        (
            "arn:aws:codestar-connections:us-east-1:1234:connection/abc",
            "has account '1234'; an account id is 12 digits",
        ),
        (
            "arn:aws:codestar-connections:cn-north-1:123456789012:connection/abc",
            "has region 'cn-north-1', which is not a region of partition 'aws'",
        ),
        (
            " arn:aws:codestar-connections:us-east-1:123456789012:connection/abc",
            "has leading or trailing whitespace",
        ),
        (123, "got a number (123.0)"),
    ],
)
def test_invalid_arn_fails_check_before_any_api_call(
    host: DynamicHost, emulator: EmulatorClient, value: object, reason: str
) -> None:
    _, failures = host.check({"connectionArn": value})

    assert len(failures) == 1
    prop, message = failures[0]
    assert prop == "connectionArn"
    assert reason in message
    assert "expected a connection ARN like arn:aws:codestar-connections:<region>" in message
    assert "Traceback" not in message
    assert emulator.calls() == []


def test_codeconnections_arns_are_read_through_the_codeconnections_service(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection(
        "azure", provider_type="AzureDevOps", service="codeconnections"
    )
    assert arn.startswith("arn:aws:codeconnections:us-east-1:123456789012:connection/")

    _, id_, outputs = up(host, arn)

    assert (id_, outputs["providerType"]) == (arn, "AzureDevOps")
    assert {call["Service"] for call in provider_calls(emulator)} == {"codeconnections"}


def test_region_comes_from_the_arn(host: DynamicHost, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("dublin", region="eu-west-1")

    _, _, outputs = up(host, arn)

    assert outputs["connectionName"] == "dublin"
    assert {call["Region"] for call in provider_calls(emulator)} == {"eu-west-1"}


def test_transient_throttling_is_retried_without_error(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("busy")
    emulator.add_fault("GetConnection", error_code="ThrottlingException", count=2)

    _, _, outputs = up(host, arn)

    assert outputs["connectionName"] == "busy"
    assert len(provider_calls(emulator, "GetConnection")) == 3


def test_persistent_fault_on_read_raises_instead_of_dropping_the_resource(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("flaky")
    old_inputs, id_, outputs = up(host, arn)
    emulator.add_fault("GetConnection", http_status=503, error_code="ServiceUnavailable", count=-1)

    with pytest.raises(grpc.RpcError) as raised:
        host.read(id_, outputs, old_inputs)

    details = raised.value.details() or ""
    assert f"GetConnection for connection {arn} in us-east-1 failed after 3 attempt(s)" in details
    assert "ServiceUnavailable" in details


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "AccessDeniedException",
            "grant codestar-connections:GetConnection on it to the caller",
        ),
        ("ResourceUnavailableException", "is unavailable (ResourceUnavailableException"),
    ],
)
def test_aws_errors_become_check_failures_that_say_what_to_do(
    host: DynamicHost, emulator: EmulatorClient, code: str, expected: str
) -> None:
    arn = emulator.create_connection("guarded")
    emulator.add_fault("GetConnection", error_code=code, count=-1)

    _, failures = host.check({"connectionArn": arn})

    assert len(failures) == 1
    assert expected in failures[0][1]
    assert arn in failures[0][1]


def test_unreachable_endpoint_fails_check_with_a_clear_message(host_factory: HostFactory) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    host = host_factory(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1")

    _, failures = host.check(UNSEEN)

    assert len(failures) == 1
    assert "could not reach the codestar-connections endpoint in us-east-1" in failures[0][1]


def test_missing_credentials_fail_check_with_a_clear_message(host_factory: HostFactory) -> None:
    host = host_factory(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="", AWS_SESSION_TOKEN="")

    _, failures = host.check(UNSEEN)

    assert len(failures) == 1
    assert "no usable AWS credentials" in failures[0][1]


def test_profile_comes_from_stack_config(host_factory: HostFactory) -> None:
    host = host_factory({"aws:profile": "nope"})

    _, failures = host.check(UNSEEN)

    assert len(failures) == 1
    assert "AWS profile 'nope' not found" in failures[0][1]


def test_profile_from_stack_config_supplies_the_credentials(
    tmp_path: Any, host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("profiled")
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[pipeline]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = x\n"
    )
    host = host_factory(
        {"aws:profile": "pipeline"},
        AWS_SHARED_CREDENTIALS_FILE=str(credentials),
        AWS_ACCESS_KEY_ID="",
        AWS_SECRET_ACCESS_KEY="",
        AWS_SESSION_TOKEN="",
    )

    _, failures = host.check({"connectionArn": arn})

    assert failures == []
    assert [c["AccessKeyId"] for c in provider_calls(emulator, "GetConnection")] == ["AKIAPROFILE"]


@pytest.mark.parametrize(
    ("config", "env_attempts", "calls"),
    [({}, "2", 2), ({"codestar:maxAttempts": "4"}, "2", 4), ({}, "1", 1)],
)
def test_attempts_come_from_aws_max_attempts_or_the_provider_option(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    config: dict[str, str],
    env_attempts: str,
    calls: int,
) -> None:
    arn = emulator.create_connection("throttled")
    emulator.add_fault("GetConnection", error_code="ThrottlingException", count=-1)
    host = host_factory(config, AWS_MAX_ATTEMPTS=env_attempts)

    _, failures = host.check({"connectionArn": arn})

    assert f"failed after {calls} attempt(s) (ThrottlingException" in failures[0][1]
    assert len(provider_calls(emulator, "GetConnection")) == calls
