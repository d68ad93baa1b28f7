"""Lookups by name, filters, the status gate, tags and hosts, and cross-account roles —
through the real dynamic provider host, against the emulator (and moto's STS)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from devkit.dynamic_host import DynamicHost
from emulator.client import EmulatorClient
from tests.support.call_log import provider_calls
from tests.support.hosts import PLANTED, HostFactory

DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME
DIFF_UNKNOWN = provider_pb2.DiffResponse.DIFF_UNKNOWN


@pytest.fixture
def host(host_factory: HostFactory) -> DynamicHost:
    """A fresh host per test: its shared listings must not outlive the emulator's reset."""
    return host_factory()


@pytest.fixture
def later_host(host_factory: HostFactory) -> DynamicHost:
    """The provider host of a later `pulumi` command (each command starts its own)."""
    return host_factory()


def make_host(emulator: EmulatorClient) -> tuple[str, str]:
    host_arn = emulator.create_host()
    return host_arn, emulator.create_connection("enterprise", host_arn=host_arn)


def test_name_lookup_resolves_and_pins_the_arn(host: DynamicHost, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github-main", provider_type="GitHub")
    emulator.create_connection("other")

    inputs, failures = host.check({"connectionName": "github-main"})
    id_, outputs = host.create(inputs)

    assert failures == []
    assert inputs["connectionName"] == "github-main"
    assert inputs["observed"]["connectionArn"] == arn
    assert (id_, outputs["connectionArn"], outputs["region"]) == (arn, arn, "us-east-1")
    assert [c["Operation"] for c in provider_calls(emulator)] == [
        "ListConnections",
        "ListTagsForResource",
    ]


def test_name_lookup_is_narrowed_by_provider_type_and_host(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    host_arn, enterprise = make_host(emulator)
    emulator.create_connection("enterprise", provider_type="GitHub")
    gitlab = emulator.create_connection("shared-name", provider_type="GitLab")
    emulator.create_connection("shared-name", provider_type="Bitbucket")

    by_type, type_failures = host.check({"connectionName": "shared-name", "providerType": "GitLab"})
    by_host, host_failures = host.check({"connectionName": "enterprise", "hostArn": host_arn})

    assert type_failures == host_failures == []
    assert by_type["observed"]["connectionArn"] == gitlab
    assert by_host["observed"]["connectionArn"] == enterprise


def test_name_not_found_says_how_many_were_searched_where(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    emulator.create_connection("a")
    emulator.create_connection("b")

    _, failures = host.check({"connectionName": "missing"})

    assert failures == [
        (
            "connectionName",
            "no connection named 'missing' among the 2 connection(s) of account 123456789012 "
            "in codestar-connections in us-east-1: check the name (it is case-sensitive), the "
            "region and the account",
        )
    ]


def test_ambiguous_name_fails_naming_every_arn(host: DynamicHost, emulator: EmulatorClient) -> None:
    first, second = emulator.create_connection("twin"), emulator.create_connection("twin")

    _, failures = host.check({"connectionName": "twin"})

    [(prop, reason)] = failures
    assert prop == "connectionName"
    assert reason.startswith("2 connections are named 'twin' in codestar-connections in us-east-1")
    assert first in reason and second in reason


def test_name_lookup_uses_the_region_from_stack_config(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("dublin", region="eu-west-1")
    host = host_factory({"aws:region": "eu-west-1"})

    inputs, failures = host.check({"connectionName": "dublin"})

    assert failures == []
    assert inputs["observed"]["connectionArn"] == arn
    assert {c["Region"] for c in provider_calls(emulator)} == {"eu-west-1"}


ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"


@pytest.mark.parametrize(
    ("inputs", "prop", "reason"),
    [
        ({"connectionArn": ARN, "connectionName": "x"}, "connectionName", "not both"),
        ({}, "connectionArn", "one of connection_arn or connection_name is required"),
        ({"connectionName": ""}, "connectionName", "1 to 32 characters, got ''"),
        ({"connectionName": "x" * 33}, "connectionName", "1 to 32 characters"),
        ({"connectionName": "x", "providerType": "Gitea"}, "providerType", "'Gitea' is not one of"),
        (
            {"connectionName": "x", "providerType": "AzureDevOps"},
            "providerType",
            "exists only in codeconnections",
        ),
        ({"connectionName": "x", "hostArn": "arn:aws:s3:::b"}, "hostArn", "is not a host ARN"),
        ({"connectionArn": ARN, "requireStatus": "READY"}, "requireStatus", "must be one of"),
        ({"connectionArn": ARN, "requireStatus": []}, "requireStatus", "non-empty list"),
        ({"connectionName": "x", "region": "moon-1"}, "region", "is not an AWS region"),
        ({"connectionArn": ARN, "region": "eu-west-1"}, "region", "differs from the ARN's"),
        ({"connectionArn": ARN, "service": "codeconnections"}, "service", "differs from the ARN"),
        ({"connectionArn": ARN, "assumeRoleArn": "role"}, "assumeRoleArn", "not an IAM role ARN"),
        ({"connectionArn": ARN, "externalId": "abc"}, "externalId", "needs assume_role_arn"),
        (
            {
                "connectionArn": ARN,
                "assumeRoleArn": "arn:aws:iam::123456789012:role/reader",
                "sessionName": "a b",
            },
            "sessionName",
            "2 to 64 characters",
        ),
    ],
)
def test_bad_inputs_fail_check_on_their_property_before_any_call(
    host: DynamicHost, emulator: EmulatorClient, inputs: dict[str, Any], prop: str, reason: str
) -> None:
    _, failures = host.check(inputs)

    assert len(failures) == 1
    assert failures[0][0] == prop
    assert reason in failures[0][1]
    assert emulator.calls() == []


@pytest.mark.parametrize(
    ("status", "required", "refusal"),
    [
        ("AVAILABLE", "AVAILABLE", None),
        ("PENDING", ["AVAILABLE", "PENDING"], None),
        ("PENDING", "AVAILABLE", "the handshake with the provider was never completed"),
        ("ERROR", "AVAILABLE", "the provider-side app was removed or lost access"),
        ("AVAILABLE", "PENDING", "the connection is authorised and usable"),
    ],
)
def test_require_status_gate_in_each_status(
    host: DynamicHost,
    emulator: EmulatorClient,
    status: str,
    required: str | list[str],
    refusal: str | None,
) -> None:
    arn = emulator.create_connection("gated", status=status)

    inputs, failures = host.check({"connectionArn": arn, "requireStatus": required})

    if refusal is None:
        assert failures == []
        assert inputs["observed"]["connectionStatus"] == status
        return
    [(prop, reason)] = failures
    wanted = required if isinstance(required, str) else " or ".join(required)
    assert prop == "requireStatus"
    assert reason.startswith(f"connection 'gated' ({arn}) is {status}, not {wanted} as required")
    assert refusal in reason
    assert "Developer Tools > Settings > Connections (us-east-1)" in reason


def test_tags_and_host_are_outputs_and_their_drift_shows(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    host_arn, arn = make_host(emulator)
    client = emulator.boto3_client()
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "platform"}])
    emulator.set_host_status(host_arn, "AVAILABLE")
    old_inputs, _ = host.check({"connectionArn": arn})
    id_, outputs = host.create(old_inputs)
    assert outputs["tags"] == {"team": "platform"}
    assert outputs["host"] == {
        "name": "ghes",
        "status": "AVAILABLE",
        "providerEndpoint": "https://ghes.example",
    }

    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "security"}])
    tagged, _ = host.check({"connectionArn": arn}, olds=old_inputs)
    emulator.set_host_status(host_arn, "PENDING")
    hosted, _ = host.check({"connectionArn": arn}, olds=old_inputs)

    assert host.diff(id_, outputs, tagged).changes == DIFF_SOME
    assert tagged["observed"]["tags"] == {"team": "security"}
    assert host.diff(id_, outputs, hosted).changes == DIFF_SOME
    assert hosted["observed"]["host"]["status"] == "PENDING"


def test_recreated_connection_under_the_same_name_is_a_replacement(
    host: DynamicHost, later_host: DynamicHost, emulator: EmulatorClient
) -> None:
    old = emulator.create_connection("recreated")
    old_inputs, _ = host.check({"connectionName": "recreated"})
    id_, outputs = host.create(old_inputs)
    emulator.delete_connection(old)
    new = emulator.create_connection("recreated")

    inputs, failures = later_host.check({"connectionName": "recreated"}, olds=old_inputs)
    diff = later_host.diff(id_, outputs, inputs)

    assert failures == []
    assert (id_, inputs["observed"]["connectionArn"]) == (old, new)
    assert diff.replaces == ["connectionArn"]


def test_vanished_name_fails_check_naming_what_it_resolved_to_before(
    host: DynamicHost, later_host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("before")
    old_inputs, _ = host.check({"connectionName": "before"})
    emulator.delete_connection(arn)  # AWS has no rename: a name stops resolving when deleted
    emulator.create_connection("unrelated")

    _, failures = later_host.check({"connectionName": "before"}, olds=old_inputs)

    [(prop, reason)] = failures
    assert prop == "connectionName"
    assert "no connection named 'before'" in reason
    assert reason.endswith(f"(at the last `pulumi up` it resolved to {arn})")


def test_azure_devops_by_name_through_codeconnections(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("ado", provider_type="AzureDevOps", service="codeconnections")

    inputs, failures = host.check(
        {"connectionName": "ado", "service": "codeconnections", "providerType": "AzureDevOps"}
    )

    assert failures == []
    assert inputs["observed"]["connectionArn"] == arn
    assert inputs["observed"]["service"] == "codeconnections"
    assert {c["Service"] for c in provider_calls(emulator)} == {"codeconnections"}


def test_assume_role_reads_with_temporary_credentials_that_are_never_stored(
    host_factory: HostFactory, emulator: EmulatorClient, moto_sts: str
) -> None:
    arn = emulator.create_connection("shared-tools")
    role = "arn:aws:iam::210987654321:role/codestar-reader"
    host = host_factory(AWS_ENDPOINT_URL_STS=moto_sts)
    try:
        inputs, failures = host.check(
            {"connectionArn": arn, "assumeRoleArn": role, "externalId": "tools-ci"}
        )
        id_, outputs = host.create(inputs)
        emulator.set_status(arn, "ERROR")
        _, refreshed, _ = host.read(id_, outputs)
    finally:
        stderr = host.close()

    assert failures == []
    assert refreshed["connectionStatus"] == "ERROR"
    used = {c["AccessKeyId"] for c in provider_calls(emulator)}
    assert PLANTED["AWS_ACCESS_KEY_ID"] not in used  # every call went through the role
    assert all(key.startswith("ASIA") for key in used)
    stored = repr((inputs, outputs, refreshed, host.serialized_provider, stderr))
    for key in used:
        assert key not in stored
    assert "SessionToken" not in stored and "SecretAccessKey" not in stored
    assert outputs["assumeRoleArn"] == role  # echoed, so refresh reads through the role too


def test_fifty_name_lookups_over_a_thousand_connections_list_once(
    host: DynamicHost, emulator: EmulatorClient, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"conn-{i:04d}" for i in range(1000)]
    for name in names:
        emulator.create_connection(name)
    wanted = names[::20]  # 50 of them

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda n: host.check({"connectionName": n}), wanted))

    assert all(failures == [] for _, failures in results)
    assert [inputs["observed"]["connectionName"] for inputs, _ in results] == wanted
    listings = len(provider_calls(emulator, "ListConnections"))
    with capsys.disabled():
        print(f"\n50 name lookups over 1,000 connections: {listings} ListConnections calls")
    assert listings == 10  # pages of 100, listed once; 50 x 10 = 500 without sharing


def test_with_an_arn_provider_type_and_host_arn_are_assertions(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", provider_type="GitHub")
    host_arn, _ = make_host(emulator)

    _, wrong_type = host.check({"connectionArn": arn, "providerType": "GitLab"})
    _, wrong_host = host.check({"connectionArn": arn, "hostArn": host_arn})
    _, right = host.check({"connectionArn": arn, "providerType": "GitHub"})

    assert wrong_type == [
        (
            "providerType",
            f"connection {arn} has provider_type GitHub, not GitLab as given: "
            "fix or drop provider_type",
        )
    ]
    assert wrong_host == [
        (
            "hostArn",
            f"connection {arn} has host_arn none, not {host_arn} as given: fix or drop host_arn",
        )
    ]
    assert right == []
