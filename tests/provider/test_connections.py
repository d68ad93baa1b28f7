"""``Connections`` in the sequences the engine drives, through the real dynamic provider host.

The provider is pickled as the engine sends it (``ConnectionsProvider``, by reference) and
answers over gRPC: failures on their property, drift, refresh that never drops the listing,
and a destroy that makes no call.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import UNKNOWN

from devkit.dynamic_host import DynamicHost
from emulator import EmulatorServer
from emulator.client import EmulatorClient
from pulumi_codestar_connections.dynamic.provider import ConnectionsProvider
from tests.support.call_log import provider_calls
from tests.support.hosts import host_env

DIFF_UNKNOWN = provider_pb2.DiffResponse.DIFF_UNKNOWN
DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME


@pytest.fixture(scope="module")
def host(
    emulator_server: EmulatorServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DynamicHost]:
    running = DynamicHost(
        host_env(emulator_server.url, tmp_path_factory.mktemp("aws")),
        {"aws:region": "us-east-1"},
        provider=ConnectionsProvider(),
    )
    yield running
    running.close()


def test_up_lists_with_one_pass_and_the_tags_of_each(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arns = sorted(emulator.create_connection(f"repo-{i}", tags={"i": str(i)}) for i in range(3))

    inputs, id_, outputs = host.up({})

    assert id_ == "codestar-connections/us-east-1"
    assert sorted(inputs["observed"]["connections"]) == arns  # a map: gRPC keeps no order
    assert [c["connectionArn"] for c in outputs["connections"]] == arns
    assert [c["tags"] for c in outputs["connections"]] == [
        {"i": c["connectionName"][-1]} for c in outputs["connections"]
    ]
    assert (outputs["count"], outputs["statuses"]["AVAILABLE"]) == (3, 3)
    assert sorted(c["Operation"] for c in provider_calls(emulator)) == [
        "ListConnections",
        *["ListTagsForResource"] * 3,
    ]


def test_bad_input_fails_check_on_its_property_before_any_call(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    _, failures = host.check({"providerTypeFilter": "Gitee"})

    assert len(failures) == 1
    assert failures[0][0] == "providerTypeFilter"
    assert "provider_type_filter 'Gitee' is not one of" in failures[0][1]
    assert "Traceback" not in failures[0][1]
    assert emulator.calls() == []


def test_the_gate_fails_check_naming_the_connection_and_its_fix(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("waiting", status="PENDING")

    _, failures = host.check({"requireStatus": "AVAILABLE"})

    assert failures == [
        (
            "requireStatus",
            f"connection 'waiting' ({arn}) is PENDING, not AVAILABLE as required: the handshake "
            "with the provider was never completed: a person must open the connection and "
            "choose 'Update pending connection' to authorise the app. Fix it in the AWS console "
            "under Developer Tools > Settings > Connections (us-east-1), or drop require_status "
            "to accept it",
        )
    ]


def test_preview_without_change_reports_no_diff(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    emulator.create_connection("quiet")
    old_inputs, id_, outputs = host.up({})
    emulator.clear_calls()

    inputs, _ = host.check({}, olds=old_inputs)

    assert inputs == old_inputs
    assert host.diff(id_, outputs, inputs).changes == DIFF_UNKNOWN
    assert len(provider_calls(emulator, "ListConnections")) == 1


def test_preview_shows_a_connection_that_appeared_went_or_changed(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    changing = emulator.create_connection("changing")
    doomed = emulator.create_connection("doomed")
    old_inputs, id_, outputs = host.up({})
    emulator.set_status(changing, "ERROR")
    emulator.delete_connection(doomed)
    newcomer = emulator.create_connection("newcomer")

    inputs, failures = host.check({}, olds=old_inputs)
    diff = host.diff(id_, outputs, inputs)
    new_outputs = host.update(id_, outputs, inputs)

    assert failures == []
    assert (diff.changes, diff.replaces) == (DIFF_SOME, [])
    after = inputs["observed"]["connections"]
    assert set(after) == {changing, newcomer}
    assert after[changing]["connectionStatus"] == "ERROR"
    assert new_outputs["byName"] == {"changing": changing, "newcomer": newcomer}
    assert new_outputs["statuses"] == {"PENDING": 0, "AVAILABLE": 1, "ERROR": 1}


def test_an_unknown_input_in_a_preview_makes_no_call_and_plans_a_replace(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    _, id_, outputs = host.up({})
    emulator.clear_calls()

    inputs, failures = host.check({"region": UNKNOWN})

    assert failures == []
    assert host.diff(id_, outputs, inputs).replaces == ["region"]
    assert emulator.calls() == []


def test_refresh_reads_current_outputs_and_keeps_the_recorded_inputs(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("refreshing")
    old_inputs, id_, outputs = host.up({"requireStatus": "AVAILABLE"})
    emulator.set_status(arn, "ERROR")

    read_id, read_outputs, read_inputs = host.read(id_, outputs, old_inputs)

    assert read_id == id_
    assert read_outputs["connections"][0]["connectionStatus"] == "ERROR"
    assert read_outputs["requireStatus"] == "AVAILABLE"  # echoed; Read does not gate
    assert read_inputs == {}


def test_refresh_of_an_emptied_account_keeps_the_listing(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("last")
    old_inputs, id_, outputs = host.up({})
    emulator.delete_connection(arn)

    read_id, read_outputs, _ = host.read(id_, outputs, old_inputs)

    assert read_id == id_
    assert (read_outputs["connections"], read_outputs["count"]) == ([], 0)


@pytest.mark.parametrize(
    ("operation", "code"),
    [("ListConnections", "ThrottlingException"), ("ListTagsForResource", "ServiceUnavailable")],
)
def test_refresh_under_persistent_faults_raises_instead_of_dropping_anything(
    host: DynamicHost, emulator: EmulatorClient, operation: str, code: str
) -> None:
    emulator.create_connection("flaky")
    old_inputs, id_, outputs = host.up({})
    emulator.add_fault(operation, error_code=code, http_status=503, count=-1)

    with pytest.raises(grpc.RpcError) as raised:
        host.read(id_, outputs, old_inputs)

    details = raised.value.details() or ""
    assert f"{operation} for " in details and "failed after 3 attempt(s)" in details
    assert code in details


def test_transient_throttling_is_retried_without_error(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    emulator.create_connection("busy")
    emulator.add_fault("ListConnections", error_code="ThrottlingException", count=2)

    _, _, outputs = host.up({})

    assert outputs["count"] == 1
    assert len(provider_calls(emulator, "ListConnections")) == 3


def test_destroy_makes_no_aws_call(host: DynamicHost, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("kept")
    _, id_, outputs = host.up({})
    emulator.clear_calls()

    host.delete(id_, outputs)

    assert emulator.calls() == []
    assert emulator.boto3_client().get_connection(ConnectionArn=arn)["Connection"]
