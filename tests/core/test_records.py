"""The one mapping between AWS's shape, state/outputs and Python attribute names."""

from __future__ import annotations

from pulumi_codestar_connections.core.records import (
    OUTPUT_FIELDS,
    ConnectionDetails,
    ConnectionRecord,
    HostRecord,
    camel_to_snake,
    snake_to_camel,
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
    assert camel_to_snake("__provider") == "__provider"
    assert snake_to_camel("observed") == "observed"
