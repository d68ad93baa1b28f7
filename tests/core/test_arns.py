"""ARN parsing: every partition and both services; anything else is a clear error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_codestar_connections.core.arns import (
    ConnectionArn,
    parse_connection_arn,
    partition_of_region,
)
from pulumi_codestar_connections.core.errors import InvalidConnectionArn


@pytest.mark.parametrize(
    ("arn", "partition", "service", "region"),
    [
        (
            "arn:aws:codestar-connections:eu-west-1:123456789012:connection/0f1e2d3c-4b5a-6978",
            "aws",
            "codestar-connections",
            "eu-west-1",
        ),
        (
            "arn:aws:codeconnections:us-east-1:123456789012:connection/a1",
            "aws",
            "codeconnections",
            "us-east-1",
        ),
        (
            "arn:aws-cn:codestar-connections:cn-north-1:123456789012:connection/a1",
            "aws-cn",
            "codestar-connections",
            "cn-north-1",
        ),
        (
            "arn:aws-us-gov:codestar-connections:us-gov-west-1:123456789012:connection/a1",
            "aws-us-gov",
            "codestar-connections",
            "us-gov-west-1",
        ),
        (
            "arn:aws-iso:codestar-connections:us-iso-east-1:123456789012:connection/a1",
            "aws-iso",
            "codestar-connections",
            "us-iso-east-1",
        ),
        (
            "arn:aws-iso-b:codeconnections:us-isob-east-1:123456789012:connection/a1",
            "aws-iso-b",
            "codeconnections",
            "us-isob-east-1",
        ),
    ],
)
def test_parse_accepts_every_partition_and_both_services(
    arn: str, partition: str, service: str, region: str
) -> None:
    parsed = parse_connection_arn(arn)

    assert (parsed.partition, parsed.service, parsed.region) == (partition, service, region)
    assert parsed.account_id == "123456789012"
    assert str(parsed) == arn


def test_error_names_the_field_when_asked() -> None:
    with pytest.raises(InvalidConnectionArn) as raised:
        parse_connection_arn("nope", field="stack config connectionArn")

    assert str(raised.value).startswith("stack config connectionArn: 'nope' is not an ARN;")


def test_unknown_partition_is_rejected_with_the_known_ones() -> None:
    with pytest.raises(InvalidConnectionArn, match=r"unknown partition 'aws-moon'.*aws-us-gov"):
        parse_connection_arn(
            "arn:aws-moon:codestar-connections:us-east-1:123456789012:connection/a"
        )


def test_overlong_arn_is_rejected() -> None:
    with pytest.raises(InvalidConnectionArn, match="more than AWS allows"):
        parse_connection_arn(
            "arn:aws:codestar-connections:us-east-1:123456789012:connection/" + "a" * 300
        )


def test_partition_of_region() -> None:
    assert partition_of_region("eu-central-1") == "aws"
    assert partition_of_region("cn-northwest-1") == "aws-cn"
    assert partition_of_region("mars-1") is None


_ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
_regions = st.sampled_from(
    ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1", "il-central-1"]
)
_accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
_services = st.sampled_from(["codestar-connections", "codeconnections"])


@settings(max_examples=500, deadline=None)
@given(service=_services, region=_regions, account=_accounts, connection_id=_ids)
def test_valid_arns_round_trip(service: str, region: str, account: str, connection_id: str) -> None:
    arn = f"arn:aws:{service}:{region}:{account}:connection/{connection_id}"

    assert parse_connection_arn(arn) == ConnectionArn(
        "aws", service, region, account, connection_id
    )
    assert str(parse_connection_arn(arn)) == arn


@settings(max_examples=500, deadline=None)
@given(value=st.one_of(st.text(max_size=300), st.integers(), st.none(), st.binary(max_size=20)))
def test_any_input_parses_or_fails_with_our_error_only(value: object) -> None:
    try:
        parsed = parse_connection_arn(value, field="connection_arn")
    except InvalidConnectionArn as error:
        assert str(error).startswith("connection_arn: ")
        assert "expected a connection ARN like" in str(error)
    else:
        assert str(parsed) == value
