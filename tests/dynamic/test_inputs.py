"""The resource's inputs on their own: what parse_inputs makes of each, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_codestar_connections.core.arns import parse_connection_arn
from pulumi_codestar_connections.core.errors import InvalidInput
from pulumi_codestar_connections.core.roles import DEFAULT_SESSION_NAME, AssumeRole
from pulumi_codestar_connections.engine.inputs import (
    LookupSpec,
    normalized,
    parse_inputs,
    role_of,
)

ARN = "arn:aws:codeconnections:eu-west-1:123456789012:connection/c1"
ROLE = "arn:aws:iam::123456789012:role/reader"


def test_an_arn_gives_its_service_and_region_and_needs_no_default_region() -> None:
    spec = parse_inputs({"connectionArn": ARN}, default_region=None)

    assert spec == LookupSpec.by_arn(parse_connection_arn(ARN))
    assert (spec.service, spec.region) == ("codeconnections", "eu-west-1")


def test_a_name_takes_the_default_region_and_service_and_its_filters() -> None:
    spec = parse_inputs(
        {"connectionName": "github", "providerType": "GitHub", "requireStatus": "AVAILABLE"},
        default_region="us-west-2",
    )

    assert spec is not None
    assert (spec.name, spec.region, spec.service) == ("github", "us-west-2", "codestar-connections")
    assert (spec.provider_type, spec.require_status) == ("GitHub", ("AVAILABLE",))


def test_a_value_still_unknown_in_a_preview_defers_every_check() -> None:
    assert parse_inputs({"connectionArn": UNKNOWN, "region": "moon-1"}, default_region=None) is None


def test_a_name_without_any_region_is_refused_unless_the_caller_defers_that() -> None:
    with pytest.raises(InvalidInput, match="needs a region") as refused:
        parse_inputs({"connectionName": "github"}, default_region=None)

    assert refused.value.key == "region"
    spec = parse_inputs({"connectionName": "github"}, default_region=None, require_region=False)
    assert spec is not None and spec.region is None


@pytest.mark.parametrize(
    ("given", "key", "message"),
    [
        (
            {"connectionName": "x", "service": "codecommit"},
            "service",
            "service 'codecommit' is not one of codestar-connections, codeconnections",
        ),
        (
            {"connectionName": "x", "providerType": "AzureDevOps"},
            "providerType",
            "provider_type AzureDevOps exists only in codeconnections: use a codeconnections "
            "ARN or service='codeconnections'",
        ),
        (
            {"connectionName": "x", "region": "moon-1"},
            "region",
            "region 'moon-1' is not an AWS region (e.g. eu-west-1)",
        ),
        (
            {
                "connectionName": "x",
                "region": "us-east-1",
                "hostArn": "arn:aws:codeconnections:us-east-1:123456789012:host/h-1",
            },
            "hostArn",
            "takes only codestar-connections ones: use service='codeconnections'",
        ),
        (
            {"connectionArn": ARN, "requireStatus": ["AVAILABLE", 1]},
            "requireStatus",
            "require_status must be one of PENDING, AVAILABLE, ERROR or a non-empty list of them",
        ),
        (
            {"connectionArn": ARN, "assumeRoleArn": ROLE, "externalId": "x"},
            "externalId",
            "external_id must be 2 to 1224 characters",
        ),
        (
            {"connectionArn": ARN, "sessionName": "ci"},
            "sessionName",
            "session_name needs assume_role_arn",
        ),
        (
            {"connectionArn": ARN, "profile": ""},
            "profile",
            "profile must be a string of 1 to 256 characters, got ''",
        ),
    ],
)
def test_each_refusal_names_the_input_as_the_program_wrote_it(
    given: dict[str, Any], key: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_inputs(
            {"connectionName": "x", **given} if "connectionArn" not in given else given,
            default_region="us-east-1",
        )

    assert refused.value.key == key
    assert message in str(refused.value)


def test_a_role_reads_with_the_default_session_name_unless_given() -> None:
    assert role_of({"assumeRoleArn": ROLE}) == AssumeRole(ROLE, None, DEFAULT_SESSION_NAME)
    assert role_of({"assumeRoleArn": ROLE, "externalId": "ci-1", "sessionName": "nightly"}) == (
        AssumeRole(ROLE, "ci-1", "nightly")
    )
    assert role_of({}) is None


def test_normalized_keeps_the_inputs_a_user_set_and_nothing_else() -> None:
    assert normalized({"connectionArn": ARN, "region": None, "observed": {}, "x": 1}) == {
        "connectionArn": ARN
    }
