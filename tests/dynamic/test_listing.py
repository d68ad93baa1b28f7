"""A ``Connections`` listing's steps in-process (engine/listing.py), against the emulator.

Check validates every input before any call, records each connection by ARN, and gates;
Diff decides without a call; the outputs summarise the listing. The same steps run in the
provider host (tests/provider/test_connections.py) and on the engine
(tests/engine/test_connections.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from emulator.client import EmulatorClient
from pulumi_codestar_connections.aws import clear_client_cache
from pulumi_codestar_connections.core.errors import AwsLookupError
from pulumi_codestar_connections.core.records import (
    LISTING_FIELDS,
    OUTPUT_FIELDS,
    listing_outputs,
)
from pulumi_codestar_connections.engine.listing import LISTING, listing_id
from pulumi_codestar_connections.engine.reader import ConnectionReader
from pulumi_codestar_connections.engine.steps import OBSERVED_PROPERTY, Checked, Decision
from tests.support.call_log import provider_calls

ROLE = "arn:aws:iam::123456789012:role/reader"
HOST = "arn:aws:codestar-connections:us-east-1:123456789012:host/ghes-0a1b2c3d"


@pytest.fixture
def reader(aws_env: dict[str, str], emulator: EmulatorClient) -> Iterator[ConnectionReader]:
    """The stack's defaults as a provider host would have them: aws:region us-east-1."""
    clear_client_cache()
    yield ConnectionReader(region="us-east-1")
    clear_client_cache()


def up(reader: ConnectionReader, news: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``pulumi up`` of a new listing: Check → Create. Returns (inputs, outputs)."""
    checked = LISTING.check(reader, {}, news)
    assert checked.failure is None
    return checked.inputs, LISTING.outputs(checked.inputs)


@pytest.mark.parametrize(
    ("news", "key", "message"),
    [
        ({"region": "moon-1"}, "region", "region 'moon-1' is not an AWS region (e.g. eu-west-1)"),
        (
            {"service": "codecommit"},
            "service",
            "service 'codecommit' is not one of codestar-connections, codeconnections",
        ),
        (
            {"providerTypeFilter": "AzureDevOps"},
            "providerTypeFilter",
            "provider_type_filter AzureDevOps exists only in codeconnections: use a "
            "codeconnections ARN or service='codeconnections'",
        ),
        (
            {"hostArnFilter": "arn:aws:s3:::bucket"},
            "hostArnFilter",
            "'arn:aws:s3:::bucket' is not a host ARN",
        ),
        (
            {"requireStatus": ["AVAILABLE", "BROKEN"]},
            "requireStatus",
            "require_status must be one of PENDING, AVAILABLE, ERROR or a non-empty list of them",
        ),
        ({"profile": ""}, "profile", "profile must be a string of 1 to 256 characters, got ''"),
        ({"externalId": "ci"}, "externalId", "external_id needs assume_role_arn"),
        (
            {"assumeRoleArn": ROLE, "sessionName": "a b"},
            "sessionName",
            "session_name must be 2 to 64 characters",
        ),
    ],
)
def test_bad_input_fails_check_on_its_property_before_any_call(
    reader: ConnectionReader,
    emulator: EmulatorClient,
    news: dict[str, Any],
    key: str,
    message: str,
) -> None:
    emulator.create_connection("github-main")

    checked = LISTING.check(reader, {}, news)

    assert checked.failure is not None
    assert checked.failure[0] == key
    assert message in checked.failure[1]
    assert OBSERVED_PROPERTY not in checked.inputs
    assert provider_calls(emulator) == []


def test_a_listing_without_any_region_says_how_to_give_one() -> None:
    with pytest.raises(Exception, match="listing the connections needs a region") as refused:
        LISTING.parse({}, default_region=None)

    assert "run `pulumi config set aws:region <region>`" in str(refused.value)


def test_a_value_still_unknown_in_a_preview_defers_the_listing_and_plans_a_replace(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    _, outputs = up(reader, {})
    emulator.clear_calls()

    checked = LISTING.check(reader, {}, {"region": UNKNOWN})

    assert checked == Checked({"region": UNKNOWN})
    assert LISTING.diff(outputs, checked.inputs) == Decision(changes=True, replaces=("region",))
    assert provider_calls(emulator) == []


def test_check_records_each_connection_by_arn_and_the_outputs_summarise_them(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    arns = sorted(
        [
            emulator.create_connection("github-main", tags={"team": "ci"}),
            emulator.create_connection("gitlab-main", provider_type="GitLab", status="PENDING"),
            emulator.create_connection("bitbucket", provider_type="Bitbucket", status="ERROR"),
        ]
    )
    emulator.create_connection("elsewhere", region="eu-west-1")

    inputs, outputs = up(reader, {})

    observed = inputs[OBSERVED_PROPERTY]
    assert (observed["service"], observed["region"]) == ("codestar-connections", "us-east-1")
    assert list(observed["connections"]) == arns
    assert list(outputs) == list(LISTING_FIELDS)
    assert [c["connectionArn"] for c in outputs["connections"]] == arns
    assert all(list(c) == list(OUTPUT_FIELDS) for c in outputs["connections"])
    github = next(c for c in outputs["connections"] if c["connectionName"] == "github-main")
    assert github["tags"] == {"team": "ci"}
    assert (github["hostArn"], github["host"], github["region"]) == ("", {}, "us-east-1")
    assert sorted(outputs["byName"].values()) == arns
    assert outputs["ambiguousNames"] == {}
    assert outputs["count"] == 3
    assert outputs["statuses"] == {"PENDING": 1, "AVAILABLE": 1, "ERROR": 1}
    assert LISTING.id_of(outputs) == "codestar-connections/us-east-1"


def test_one_listing_pass_and_the_tags_of_each_connection_per_check(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    host_arn = emulator.create_host()
    for index in range(3):
        emulator.create_connection(f"enterprise-{index}", host_arn=host_arn)
    for index in range(247):
        emulator.create_connection(f"c{index}")
    emulator.clear_calls()

    _, outputs = up(reader, {})

    calls = [c["Operation"] for c in provider_calls(emulator)]
    assert outputs["count"] == 250
    assert calls.count("ListConnections") == 3  # 100 + 100 + 50: one paging pass
    assert calls.count("ListTagsForResource") == 250
    assert calls.count("GetHost") == 1  # once per distinct host
    enterprise = [c for c in outputs["connections"] if c["hostArn"]]
    assert {c["host"]["providerEndpoint"] for c in enterprise} == {"https://ghes.example"}


def test_two_connections_with_one_name_are_both_kept_under_ambiguous_names(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    first = emulator.create_connection("shared", provider_type="GitHub")
    second = emulator.create_connection("shared", provider_type="GitLab")
    single = emulator.create_connection("single")

    _, outputs = up(reader, {})

    assert outputs["byName"] == {"single": single}
    assert outputs["ambiguousNames"] == {"shared": sorted([first, second])}
    assert outputs["count"] == 3


def test_an_empty_account_is_a_listing_of_nothing_and_passes_the_gate(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    emulator.create_connection("in-another-region", region="eu-west-1")

    inputs, outputs = up(reader, {"requireStatus": "AVAILABLE"})

    assert inputs[OBSERVED_PROPERTY]["connections"] == {}
    assert outputs == {
        "requireStatus": "AVAILABLE",
        **listing_outputs([], service="codestar-connections", region="us-east-1"),
    }
    assert (outputs["count"], outputs["connections"], outputs["byName"]) == (0, [], {})


def test_the_filters_are_applied_by_aws_and_echoed(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    gitlab = emulator.create_connection("gitlab-main", provider_type="GitLab")
    emulator.create_connection("github-main", provider_type="GitHub")

    _, outputs = up(reader, {"providerTypeFilter": "GitLab", "region": "us-east-1"})

    assert [c["connectionArn"] for c in outputs["connections"]] == [gitlab]
    assert outputs["providerTypeFilter"] == "GitLab"
    assert LISTING.id_of(outputs) == "codestar-connections/us-east-1?providerTypeFilter=GitLab"
    [listing] = provider_calls(emulator, "ListConnections")
    assert listing["Region"] == "us-east-1"


def test_the_gate_names_every_connection_it_refuses_in_the_connections_words(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    emulator.create_connection("fine")
    pending = emulator.create_connection("waiting", status="PENDING")
    broken = emulator.create_connection("broken", status="ERROR")

    checked = LISTING.check(reader, {}, {"requireStatus": ["AVAILABLE"]})

    assert checked.failure is not None
    key, message = checked.failure
    assert key == "requireStatus"
    assert message.startswith("2 of the 3 connections are refused: ")
    assert f"connection 'waiting' ({pending}) is PENDING, not AVAILABLE as required" in message
    assert f"connection 'broken' ({broken}) is ERROR, not AVAILABLE as required" in message
    assert "or drop require_status to accept it" in message
    assert OBSERVED_PROPERTY not in checked.inputs


def test_an_aws_error_fails_check_with_our_message_on_the_listing_as_a_whole(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    emulator.create_connection("guarded")
    emulator.add_fault("ListConnections", error_code="AccessDeniedException", count=-1)

    checked = LISTING.check(reader, {}, {})

    assert checked.failure is not None
    assert checked.failure[0] == ""
    assert "grant codestar-connections:ListConnections" in checked.failure[1]
    assert "Traceback" not in checked.failure[1]


def test_no_change_leaves_the_decision_to_the_engine(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    emulator.create_connection("quiet")
    old_inputs, outputs = up(reader, {})

    checked = LISTING.check(reader, old_inputs, {})

    assert checked.inputs == old_inputs
    assert LISTING.diff(outputs, checked.inputs) == Decision(changes=None)


@pytest.mark.parametrize("change", ["status", "added", "deleted", "tagged"])
def test_a_connection_that_changed_appeared_or_went_is_an_update_named_by_its_arn(
    reader: ConnectionReader, emulator: EmulatorClient, change: str
) -> None:
    kept = emulator.create_connection("kept")
    doomed = emulator.create_connection("doomed")
    old_inputs, outputs = up(reader, {})
    if change == "status":
        emulator.set_status(kept, "ERROR")
    elif change == "added":
        emulator.create_connection("newcomer")
    elif change == "deleted":
        emulator.delete_connection(doomed)
    else:
        emulator.boto3_client().tag_resource(
            ResourceArn=kept, Tags=[{"Key": "team", "Value": "ci"}]
        )

    checked = LISTING.check(reader, old_inputs, {})
    decision = LISTING.diff(outputs, checked.inputs)

    before = old_inputs[OBSERVED_PROPERTY]["connections"]
    after = checked.inputs[OBSERVED_PROPERTY]["connections"]
    assert decision.changes is True and decision.replaces == ()
    assert "connections" in decision.changed
    differing = {arn for arn in before.keys() | after.keys() if before.get(arn) != after.get(arn)}
    assert len(differing) == 1  # the engine's diff of the inputs names that one ARN
    if change == "status":
        assert after[kept]["connectionStatus"] == "ERROR"
        assert "statuses" in decision.changed and "count" not in decision.changed
    elif change in ("added", "deleted"):
        assert {"count", "byName", "statuses"} <= set(decision.changed)


def test_after_refresh_the_drift_is_left_to_the_engines_comparison_of_inputs(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("drifting")
    old_inputs, outputs = up(reader, {})
    emulator.set_status(arn, "ERROR")

    refreshed = LISTING.read(reader, LISTING.id_of(outputs), outputs)
    checked = LISTING.check(reader, old_inputs, {})

    assert refreshed is not None
    assert refreshed.id == "codestar-connections/us-east-1"
    assert refreshed.outputs["statuses"]["ERROR"] == 1
    assert LISTING.diff(refreshed.outputs, checked.inputs) == Decision(changes=None)
    # …and the inputs the engine compares still differ: AVAILABLE at the last up, ERROR now.
    assert old_inputs[OBSERVED_PROPERTY] != checked.inputs[OBSERVED_PROPERTY]


@pytest.mark.parametrize(
    ("news", "replaces"),
    [
        ({"region": "eu-west-1"}, ("region",)),
        ({"service": "codeconnections"}, ("service",)),
        ({"providerTypeFilter": "GitHub"}, ("providerTypeFilter",)),
        ({"hostArnFilter": HOST}, ("hostArnFilter",)),
    ],
)
def test_listing_somewhere_else_replaces_the_resource(
    reader: ConnectionReader, news: dict[str, Any], replaces: tuple[str, ...]
) -> None:
    _, outputs = up(reader, {})

    checked = LISTING.check(reader, {}, news)
    decision = LISTING.diff(outputs, checked.inputs)

    assert checked.failure is None
    assert (decision.changes, decision.replaces) == (True, replaces)


def test_reading_through_another_profile_is_not_a_replacement(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    emulator.create_connection("kept")
    _, outputs = up(reader, {})

    decision = LISTING.diff(outputs, {**LISTING.check(reader, {}, {}).inputs, "profile": "ci"})

    assert decision.replaces == ()


def test_refresh_under_a_persistent_fault_raises_instead_of_dropping_the_listing(
    reader: ConnectionReader, emulator: EmulatorClient
) -> None:
    emulator.create_connection("flaky")
    _, outputs = up(reader, {})
    emulator.add_fault("ListConnections", error_code="ThrottlingException", count=-1)

    with pytest.raises(AwsLookupError, match="ListConnections for the codestar-connections"):
        LISTING.read(reader, LISTING.id_of(outputs), outputs)


def test_the_listing_id_names_where_it_lists() -> None:
    assert listing_id({"service": "codeconnections", "region": "eu-west-1"}) == (
        "codeconnections/eu-west-1"
    )
    assert listing_id(
        {
            "service": "codestar-connections",
            "region": "us-east-1",
            "providerTypeFilter": "GitHubEnterpriseServer",
            "hostArnFilter": HOST,
        }
    ) == (
        "codestar-connections/us-east-1"
        f"?providerTypeFilter=GitHubEnterpriseServer&hostArnFilter={HOST}"
    )
