"""The one mapping between AWS's shape, state/outputs and Python attribute names."""

from __future__ import annotations

from provider.model import OUTPUT_FIELDS, ConnectionRecord, camel_to_snake, snake_to_camel

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
    assert ConnectionRecord.from_outputs(record.to_outputs()).host_arn is None
    assert record.to_api() == GITHUB


def test_outputs_round_trip_and_observed_is_everything_but_the_arn() -> None:
    record = ConnectionRecord.from_api(
        {**GITHUB, "HostArn": "arn:aws:codestar-connections:us-east-1:123456789012:host/h-1"}
    )

    assert ConnectionRecord.from_outputs(record.to_outputs()) == record
    assert set(record.observed()) == set(OUTPUT_FIELDS) - {"connectionArn"}
    assert list(record.to_outputs()) == list(OUTPUT_FIELDS)


def test_name_translation_is_symmetric_and_leaves_other_keys_alone() -> None:
    for key in OUTPUT_FIELDS:
        assert snake_to_camel(camel_to_snake(key)) == key
    assert camel_to_snake("connectionStatus") == "connection_status"
    assert camel_to_snake("__provider") == "__provider"
    assert snake_to_camel("observed") == "observed"
