"""The one mapping between AWS's shape, state/outputs and Python attribute names."""

from __future__ import annotations

from pulumi_codestar_connections.core.records import (
    LISTING_FIELDS,
    OUTPUT_FIELDS,
    ConnectionDetails,
    ConnectionRecord,
    HostRecord,
    camel_to_snake,
    listing_outputs,
    snake_to_camel,
    status_counts,
)

GITHUB = {
    "ConnectionName": "github-main",
    "ConnectionArn": "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc",
    "ProviderType": "GitHub",
    "OwnerAccountId": "123456789012",
    "ConnectionStatus": "AVAILABLE",
}


def test_record_from_api_without_host_has_host_arn_none() -> None:
    record = ConnectionRecord.from_api(GITHUB)

    assert record.host_arn is None
    assert record.to_outputs()["hostArn"] == ""
    assert record.to_api() == GITHUB


def test_details_outputs_have_no_null_and_every_output_field() -> None:
    host_arn = "arn:aws:codestar-connections:us-east-1:123456789012:host/h-1"
    hosted = ConnectionRecord.from_api({**GITHUB, "HostArn": host_arn})
    host = HostRecord.from_api(
        {
            "Name": "h",
            "Status": "AVAILABLE",
            "ProviderType": "GitHubEnterpriseServer",
            "ProviderEndpoint": "https://ghes.example",
            "VpcConfiguration": {"VpcId": "vpc-1", "SubnetIds": ["s-1"], "SecurityGroupIds": []},
        }
    )

    cloud = ConnectionDetails(
        ConnectionRecord.from_api(GITHUB), {}, None, "codeconnections", "us-east-1"
    )
    enterprise = ConnectionDetails(
        hosted, {"team": "ci"}, host, "codestar-connections", "us-east-1"
    )

    assert list(cloud.to_outputs()) == list(OUTPUT_FIELDS)
    assert cloud.to_outputs()["host"] == {} and cloud.to_outputs()["hostArn"] == ""
    assert None not in cloud.to_outputs().values()
    assert enterprise.to_outputs()["host"] == {
        "name": "h",
        "status": "AVAILABLE",
        "providerEndpoint": "https://ghes.example",
        "vpcConfiguration": {"vpcId": "vpc-1", "subnetIds": ["s-1"], "securityGroupIds": []},
    }
    assert enterprise.to_outputs()["tags"] == {"team": "ci"}


def test_name_translation_is_symmetric_and_leaves_other_keys_alone() -> None:
    for key in OUTPUT_FIELDS:
        assert snake_to_camel(camel_to_snake(key)) == key
    assert camel_to_snake("connectionStatus") == "connection_status"
    assert camel_to_snake("byName") == "by_name"
    assert snake_to_camel("provider_type_filter") == "providerTypeFilter"
    assert camel_to_snake("__provider") == "__provider"
    assert snake_to_camel("observed") == "observed"


def _outputs(arn_id: str, name: str, status: str = "AVAILABLE") -> dict[str, object]:
    record = ConnectionRecord.from_api(
        {
            **GITHUB,
            "ConnectionArn": GITHUB["ConnectionArn"].replace("/abc", f"/{arn_id}"),
            "ConnectionName": name,
            "ConnectionStatus": status,
        }
    )
    return ConnectionDetails(record, {}, None, "codestar-connections", "us-east-1").to_outputs()


def test_a_listing_sorts_by_arn_and_keeps_every_connection_under_its_name() -> None:
    arn = GITHUB["ConnectionArn"].replace("/abc", "/{}")
    listed = [
        _outputs("c", "shared"),
        _outputs("a", "single", "PENDING"),
        _outputs("b", "shared", "ERROR"),
    ]

    outputs = listing_outputs(listed, service="codestar-connections", region="us-east-1")

    assert list(outputs) == list(LISTING_FIELDS)
    assert [c["connectionArn"] for c in outputs["connections"]] == [arn.format(i) for i in "abc"]
    assert outputs["byName"] == {"single": arn.format("a")}
    assert outputs["ambiguousNames"] == {"shared": [arn.format("b"), arn.format("c")]}
    assert outputs["count"] == 3
    assert outputs["statuses"] == {"PENDING": 1, "AVAILABLE": 1, "ERROR": 1}
    assert (outputs["service"], outputs["region"]) == ("codestar-connections", "us-east-1")


def test_an_empty_listing_has_every_output_and_no_null() -> None:
    outputs = listing_outputs([], service="codeconnections", region="eu-west-1")

    assert outputs == {
        "connections": [],
        "byName": {},
        "ambiguousNames": {},
        "count": 0,
        "statuses": {"PENDING": 0, "AVAILABLE": 0, "ERROR": 0},
        "service": "codeconnections",
        "region": "eu-west-1",
    }


def test_status_counts_name_every_known_status_then_any_other() -> None:
    assert status_counts(["ERROR", "ERROR", "PAUSED"]) == {
        "PENDING": 0,
        "AVAILABLE": 0,
        "ERROR": 2,
        "PAUSED": 1,
    }
