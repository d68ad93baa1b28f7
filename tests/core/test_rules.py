"""The validation rules, on their own: each returns None for a good value and says why not."""

from __future__ import annotations

import pytest

from pulumi_codestar_connections.core.records import ConnectionDetails, ConnectionRecord
from pulumi_codestar_connections.core.rules import (
    external_id_reason,
    host_arn_reason,
    provider_type_reason,
    region_reason,
    required_status_reason,
    role_arn_reason,
    session_name_reason,
    status_reason,
)
from pulumi_codestar_connections.core.vocabulary import STATUS_MEANING, STATUSES

HOST = "arn:aws:codestar-connections:us-east-1:123456789012:host/ghes-0123abcd"
NEW_HOST = HOST.replace("codestar-connections", "codeconnections")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"])
def test_a_region_of_a_known_partition_passes(region: str) -> None:
    assert region_reason(region) is None


@pytest.mark.parametrize("value", ["moon-1", "", "US-EAST-1", "us-east-1\n", None, 3])
def test_anything_else_is_not_a_region(value: object) -> None:
    assert region_reason(value) == f"{value!r} is not an AWS region (e.g. eu-west-1)"


def test_the_three_statuses_pass_and_nothing_else() -> None:
    assert [status_reason(s) for s in STATUSES] == [None, None, None]
    assert status_reason("available") == (
        "'available' is not a connection status (one of PENDING, AVAILABLE, ERROR)"
    )


@pytest.mark.parametrize(
    ("value", "service", "reason"),
    [
        ("GitHub", "codestar-connections", None),
        ("AzureDevOps", "codeconnections", None),
        ("AzureDevOps", "codestar-connections", "AzureDevOps exists only in codeconnections"),
        ("Gitea", "codeconnections", "'Gitea' is not one of "),
        ("github", "codestar-connections", "'github' is not one of "),
    ],
)
def test_provider_types_are_those_of_the_services_model(
    value: str, service: str, reason: str | None
) -> None:
    refused = provider_type_reason(value, service)

    assert refused is None if reason is None else refused and refused.startswith(reason)


@pytest.mark.parametrize(
    ("value", "service", "reason"),
    [
        (HOST, None, None),
        (HOST, "codestar-connections", None),
        (NEW_HOST, "codeconnections", None),
        (HOST, "codeconnections", None),  # the newer API takes both
        (NEW_HOST, "codestar-connections", "is a codeconnections host ARN"),
        (NEW_HOST, None, None),  # the shape alone
        ("arn:aws:s3:::bucket", None, "'arn:aws:s3:::bucket' is not a host ARN; expected arn:"),
        (HOST.replace("host/", "connection/"), "codeconnections", "is not a host ARN"),
        (None, None, "None is not a host ARN"),
    ],
)
def test_host_arns_by_shape_and_by_the_api_that_takes_them(
    value: object, service: str | None, reason: str | None
) -> None:
    refused = host_arn_reason(value, service)

    assert refused is None if reason is None else refused is not None and reason in refused


def test_role_external_id_and_session_name_follow_the_service_models() -> None:
    assert role_arn_reason("arn:aws:iam::123456789012:role/reader") is None
    assert role_arn_reason("arn:aws-cn:iam::123456789012:role/path/reader") is None
    assert role_arn_reason("arn:aws:iam::1234:role/reader") == (
        "'arn:aws:iam::1234:role/reader' is not an IAM role ARN; "
        "expected arn:aws:iam::<12-digit account>:role/<name>"
    )
    assert external_id_reason("tools-ci") is None
    assert (
        external_id_reason("x") == "must be 2 to 1224 characters of letters, digits and +=,.@:/-_"
    )
    assert session_name_reason("ci-run.42") is None
    assert session_name_reason("a b") is not None
    assert session_name_reason("é" * 3) is not None  # ASCII only, as AWS reads \w


def _details(status: str) -> ConnectionDetails:
    record = ConnectionRecord(
        connection_arn="arn:aws:codestar-connections:eu-west-1:123456789012:connection/c1",
        connection_name="github",
        provider_type="GitHub",
        owner_account_id="123456789012",
        connection_status=status,
    )
    return ConnectionDetails(record, {}, None, "codestar-connections", "eu-west-1")


@pytest.mark.parametrize("status", STATUSES)
def test_no_required_status_accepts_every_status(status: str) -> None:
    assert required_status_reason(_details(status), ()) is None
    assert required_status_reason(_details(status), (status,)) is None


@pytest.mark.parametrize(
    ("status", "required"),
    [("PENDING", ("AVAILABLE",)), ("ERROR", ("AVAILABLE", "PENDING")), ("AVAILABLE", ("PENDING",))],
)
def test_a_status_not_required_says_what_it_means_and_where_to_fix_it(
    status: str, required: tuple[str, ...]
) -> None:
    reason = required_status_reason(_details(status), required)

    assert reason is not None
    assert reason.startswith(
        "connection 'github' (arn:aws:codestar-connections:eu-west-1:123456789012:connection/c1) "
        f"is {status}, not {' or '.join(required)} as required: "
    )
    assert STATUS_MEANING[status] in reason
    assert "Developer Tools > Settings > Connections (eu-west-1)" in reason
    assert reason.endswith("or drop require_status to accept it")
