"""The plugin's provider in process, through Pulumi's experimental interface, on the emulator.

The same steps as the dynamic provider (engine/steps.py), so these tests check what the plugin
adds: property values (secret, unknown) in and out, Diff's named fields, the two functions,
provider settings, and errors without tracebacks. The real-engine runs are in test_engine.py.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    GetSchemaRequest,
    InvokeRequest,
    ReadRequest,
)
from pulumi.runtime.rpc import UNKNOWN

from devkit.loops import run_in_private_loop
from emulator.client import EmulatorClient
from pulumi_codestar_connections.aws import clear_client_cache
from pulumi_codestar_connections.core.errors import CodestarConnectionsError, ConnectionNotFound
from pulumi_codestar_connections.core.records import OUTPUT_FIELDS
from pulumi_codestar_connections.engine.inputs import INPUT_FIELDS, is_unknown
from pulumi_codestar_connections.plugin.provider import CodestarProvider
from pulumi_codestar_connections.plugin.schema import (
    CONNECTION_TOKEN,
    GET_CONNECTION_TOKEN,
    GET_CONNECTIONS_TOKEN,
    LISTING_FIELDS,
)
from pulumi_codestar_connections.plugin.server import _ours
from pulumi_codestar_connections.plugin.values import plain, wrapped
from tests.support.call_log import provider_calls
from tests.support.waiting import wait_for

# protobuf ships no type information here (see bench/fig8_plugin.py).
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")
PROVIDER_URN = "urn:pulumi:dev::proj::pulumi:providers:codestar::default"
URN = f"urn:pulumi:dev::proj::{CONNECTION_TOKEN}::github"


@pytest.fixture
def provider(aws_env: dict[str, str]) -> Iterator[CodestarProvider]:
    clear_client_cache()
    provider = CodestarProvider()
    _run(provider.configure(ConfigureRequest({}, {}, True, False)))
    yield provider
    clear_client_cache()


def _run(awaitable: Any) -> Any:
    # Not asyncio.run(): it would leave no event loop for Pulumi's mocks in later tests.
    return run_in_private_loop(awaitable)


def _props(**values: Any) -> dict[str, PropertyValue]:
    return wrapped(values)


def _check(provider: CodestarProvider, news: dict[str, PropertyValue], olds: Any = None) -> Any:
    return _run(provider.check(CheckRequest(URN, olds or {}, news, b"")))


def test_check_observes_the_connection_and_create_outputs_it(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", tags={"team": "platform"})

    checked = _check(provider, _props(connectionArn=arn, requireStatus=["AVAILABLE"]))
    assert checked.failures is None
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, False)))

    outputs = plain(created.properties)
    assert created.resource_id == arn
    assert outputs["connectionStatus"] == "AVAILABLE"
    assert outputs["tags"] == {"team": "platform"}
    assert outputs["requireStatus"] == ["AVAILABLE"]
    assert set(OUTPUT_FIELDS) <= set(outputs)
    assert len(emulator.calls("GetConnection")) == 1  # Create made no second lookup


def test_the_status_gate_fails_check_on_its_property_naming_status_and_fix(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", status="PENDING")

    checked = _check(provider, _props(connectionArn=arn, requireStatus=["AVAILABLE"]))

    [failure] = checked.failures
    assert failure.property == "requireStatus"
    assert "PENDING, not AVAILABLE" in failure.reason
    assert "Update pending connection" in failure.reason


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({}, "connectionArn"),
        ({"connectionArn": "arn:aws:s3:::bucket"}, "connectionArn"),
        ({"connectionName": "x", "region": "mars-1"}, "region"),
        ({"connectionName": "x", "requireStatus": ["GREEN"]}, "requireStatus"),
        ({"connectionName": "x", "providerType": "Gitea"}, "providerType"),
    ],
)
def test_bad_input_fails_check_on_its_property_before_any_call(
    provider: CodestarProvider, emulator: EmulatorClient, inputs: dict[str, Any], key: str
) -> None:
    checked = _check(provider, _props(**inputs))

    [failure] = checked.failures
    assert failure.property == key
    assert "Traceback" not in failure.reason and "\n" not in failure.reason
    assert "_" not in failure.reason.split(":")[0]  # connectionArn, as the schema writes it
    assert emulator.calls() == []


def test_an_unknown_input_during_preview_defers_the_lookup_and_the_outputs(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    # As the engine sends it: the unknown sentinel on the wire.
    wire = struct_pb2.Struct()
    wire.update({"connectionArn": UNKNOWN, "requireStatus": ["AVAILABLE"]})
    news = PropertyValue.unmarshal_map(wire)

    checked = _check(provider, news)
    diff = _run(provider.diff(DiffRequest(URN, "id", {}, checked.inputs, [])))
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, True)))

    assert checked.failures is None
    assert diff.changes is True and diff.replaces == ["connectionArn"]
    assert is_unknown(plain(created.properties)["connectionStatus"])
    assert plain(created.properties)["requireStatus"] == ["AVAILABLE"]
    assert emulator.calls() == []


def test_a_secret_input_stays_secret_in_inputs_and_outputs(
    provider: CodestarProvider, emulator: EmulatorClient, moto_sts: str, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    arn = emulator.create_connection("github-main")
    news = _props(connectionArn=arn, assumeRoleArn="arn:aws:iam::123456789012:role/reader")
    news["externalId"] = PropertyValue("s3cr3t-id", is_secret=True)

    checked = _check(provider, news)
    assert checked.failures is None, checked.failures
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, False)))

    assert checked.inputs["externalId"].is_secret
    assert created.properties["externalId"].is_secret
    assert not created.properties["connectionStatus"].is_secret
    assert not checked.inputs["observed"].is_secret  # the external id does not show there


def test_a_secret_name_stays_secret_where_the_connection_echoes_it(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    emulator.create_connection("internal-name")
    news = {"connectionName": PropertyValue("internal-name", is_secret=True)}

    checked = _check(provider, news)
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, False)))
    invoked = _run(provider.invoke(InvokeRequest(GET_CONNECTION_TOKEN, news)))

    assert checked.inputs["observed"].is_secret
    assert created.properties["connectionName"].is_secret
    assert invoked.return_value["connectionName"].is_secret


def test_diff_names_each_field_that_drifted(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")
    checked = _check(provider, _props(connectionArn=arn))
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, False)))

    emulator.set_status(arn, "ERROR")
    rechecked = _check(provider, _props(connectionArn=arn), olds=checked.inputs)
    diff = _run(provider.diff(DiffRequest(URN, arn, created.properties, rechecked.inputs, [])))

    assert diff.changes is True and diff.replaces == []
    assert list(diff.detailed_diff) == ["observed.connectionStatus"]


def test_no_drift_leaves_the_decision_to_the_engine(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")
    checked = _check(provider, _props(connectionArn=arn))
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, False)))

    again = _check(provider, _props(connectionArn=arn), olds=checked.inputs)
    diff = _run(provider.diff(DiffRequest(URN, arn, created.properties, again.inputs, [])))

    assert diff.changes is None and diff.detailed_diff == {}


def test_drift_in_a_field_the_program_ignores_is_no_change(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", tags={"team": "a"})
    checked = _check(provider, _props(connectionArn=arn))
    created = _run(provider.create(CreateRequest(URN, checked.inputs, 60, False)))

    emulator.boto3_client().tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}])
    again = _check(provider, _props(connectionArn=arn), olds=checked.inputs)
    ignored = _run(
        provider.diff(DiffRequest(URN, arn, created.properties, again.inputs, ["observed.tags"]))
    )
    seen = _run(provider.diff(DiffRequest(URN, arn, created.properties, again.inputs, [])))

    assert ignored.changes is False
    assert list(seen.detailed_diff) == ["observed.tags"]


def test_read_refreshes_keeps_the_inputs_and_drops_only_a_deleted_connection(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")
    state = _props(connectionArn=arn, connectionStatus="AVAILABLE")
    inputs = _props(connectionArn=arn, requireStatus=["AVAILABLE", "ERROR"])
    emulator.set_status(arn, "ERROR")

    read = _run(provider.read(ReadRequest(URN, arn, state, inputs)))
    assert plain(read.properties)["connectionStatus"] == "ERROR"
    # The server sends Read's inputs always; an empty map would replace those of the last up.
    assert read.inputs == inputs

    emulator.delete_connection(arn)
    gone = _run(provider.read(ReadRequest(URN, arn, state, inputs)))
    assert gone.resource_id is None


def test_import_reads_the_connection_and_answers_the_inputs_that_look_it_up(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")

    read = _run(provider.read(ReadRequest(URN, arn, {}, {})))

    assert read.resource_id == arn
    assert plain(read.inputs) == {"connectionArn": arn}
    assert plain(read.properties)["connectionName"] == "github-main"


def test_delete_makes_no_call(provider: CodestarProvider, emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("github-main")

    _run(provider.delete(DeleteRequest(URN, arn, _props(connectionArn=arn), 60)))

    assert emulator.calls() == []


def test_get_connection_gates_and_returns_the_outputs(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    emulator.create_connection("github-main", tags={"team": "platform"})
    pending = emulator.create_connection("gitlab-main", provider_type="GitLab", status="PENDING")

    found = _run(
        provider.invoke(InvokeRequest(GET_CONNECTION_TOKEN, _props(connectionName="github-main")))
    )
    gated = _run(
        provider.invoke(
            InvokeRequest(
                GET_CONNECTION_TOKEN, _props(connectionArn=pending, requireStatus=["AVAILABLE"])
            )
        )
    )

    assert plain(found.return_value)["tags"] == {"team": "platform"}
    assert found.failures == []
    [failure] = gated.failures
    assert failure.property == "requireStatus" and "PENDING" in failure.reason


def test_get_connections_lists_with_the_filters(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    emulator.create_connection("github-main")
    emulator.create_connection("gitlab-main", provider_type="GitLab")
    emulator.create_connection("elsewhere", region="eu-west-1")

    everything = plain(_run(provider.invoke(InvokeRequest(GET_CONNECTIONS_TOKEN, {}))).return_value)
    gitlab = plain(
        _run(
            provider.invoke(
                InvokeRequest(GET_CONNECTIONS_TOKEN, _props(providerTypeFilter="GitLab"))
            )
        ).return_value
    )
    refused = _run(
        provider.invoke(InvokeRequest(GET_CONNECTIONS_TOKEN, _props(providerTypeFilter="Gitea")))
    )

    assert sorted(everything["names"]) == ["github-main", "gitlab-main"]
    assert everything["region"] == "us-east-1"
    assert gitlab["names"] == ["gitlab-main"]
    assert [c["providerType"] for c in gitlab["connections"]] == ["GitLab"]
    [failure] = refused.failures
    assert failure.property == "providerTypeFilter" and "Gitea" in failure.reason


def test_provider_settings_are_checked_naming_the_key(provider: CodestarProvider) -> None:
    bad = _run(
        provider.check_config(CheckRequest(PROVIDER_URN, {}, _props(maxAttempts="many"), b""))
    )
    good = _run(
        provider.check_config(
            CheckRequest(PROVIDER_URN, {}, _props(maxAttempts=4.0, region="eu-west-1"), b"")
        )
    )

    [failure] = bad.failures
    assert failure.property == "maxAttempts"
    assert "codestar:maxAttempts must be a whole number" in failure.reason
    assert good.failures is None


@pytest.mark.parametrize(
    ("config", "key", "said"),
    [
        ({"region": "mars-1"}, "region", "codestar:region: region"),
        ({"assumeRole": '{"externalId": "x"}'}, "assumeRole", "must be an object with roleArn"),
        (
            {"assumeRole": {"roleArn": "arn:aws:iam::123456789012:role/r", "sessionName": "a b"}},
            "assumeRole",
            "codestar:assumeRole: sessionName",
        ),
        ({"readTimeout": -1.0}, "readTimeout", "codestar:readTimeout must be positive"),
    ],
)
def test_each_bad_setting_is_named_by_its_key(
    provider: CodestarProvider, config: dict[str, Any], key: str, said: str
) -> None:
    checked = _run(provider.check_config(CheckRequest(PROVIDER_URN, {}, _props(**config), b"")))

    [failure] = checked.failures
    assert failure.property == key
    assert said in failure.reason, failure.reason


def test_settings_unknown_in_a_preview_are_not_judged_and_json_text_is_read(
    provider: CodestarProvider,
) -> None:
    role = '{"roleArn": "arn:aws:iam::123456789012:role/reader", "externalId": "x1"}'
    unknown = _run(
        provider.check_config(
            CheckRequest(PROVIDER_URN, {}, {"assumeRole": PropertyValue.computed()}, b"")
        )
    )
    as_json = _run(
        provider.check_config(CheckRequest(PROVIDER_URN, {}, _props(assumeRole=role), b""))
    )

    assert unknown.failures is None
    assert as_json.failures is None


def test_the_schema_declares_every_input_and_output() -> None:
    provider = CodestarProvider()
    spec = json.loads(_run(provider.get_schema(GetSchemaRequest(0))).schema)
    resource = spec["resources"][CONNECTION_TOKEN]

    assert tuple(resource["inputProperties"]) == INPUT_FIELDS
    assert tuple(resource["required"]) == OUTPUT_FIELDS
    assert set(OUTPUT_FIELDS) <= set(resource["properties"])
    assert tuple(spec["functions"][GET_CONNECTIONS_TOKEN]["inputs"]["properties"]) == (
        LISTING_FIELDS
    )
    assert all(p.get("description") for p in resource["properties"].values())
    assert set(spec["functions"]) == {GET_CONNECTION_TOKEN, GET_CONNECTIONS_TOKEN}


def test_an_aws_error_of_get_connections_is_raised_with_its_message(
    provider: CodestarProvider, emulator: EmulatorClient
) -> None:
    emulator.add_fault("ListConnections", error_code="AccessDeniedException", http_status=400)

    with pytest.raises(CodestarConnectionsError, match="AccessDeniedException"):
        _run(provider.invoke(InvokeRequest(GET_CONNECTIONS_TOKEN, {})))


def test_the_servicer_reports_our_errors_by_message_and_anything_else_with_its_traceback() -> None:
    ours = ConnectionNotFound("connection x not found", operation="GetConnection", code="x")
    try:
        try:
            raise ours
        except ConnectionNotFound as error:
            raise Exception(f"{error}:\n  File ...") from None  # what the server raises
    except Exception as wrapped_error:
        server_raised = wrapped_error
    bug = KeyError("observed")

    assert _ours(server_raised) is ours
    assert _ours(ours) is ours
    assert _ours(bug) is None
    assert _ours(RuntimeError("bug while handling")) is None


def test_the_connections_a_stack_names_are_looked_up_together_at_the_first_check(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    arns = [emulator.create_connection(f"github-{i}") for i in range(4)]
    clear_client_cache()
    provider = CodestarProvider()
    config = _props(connections=[{"arn": arn} for arn in arns])
    _run(provider.configure(ConfigureRequest({}, config, True, False)))

    first = _check(provider, _props(connectionArn=arns[0]))

    assert first.failures is None
    # Before any other Check, every connection the setting names is being looked up.
    wait_for(
        lambda: {c["Arn"] for c in provider_calls(emulator, "GetConnection")} == set(arns),
        "the other lookups to start",
    )
    for arn in arns[1:]:
        checked = _check(provider, _props(connectionArn=arn))
        assert plain(checked.inputs)["observed"]["connectionArn"] == arn
    # The same calls as without the setting: one GetConnection per connection.
    assert len(provider_calls(emulator, "GetConnection")) == 4
    clear_client_cache()


def test_a_bad_connections_setting_is_named(provider: CodestarProvider) -> None:
    bad = _props(connections=[{"arn": "not-an-arn"}])

    checked = _run(provider.check_config(CheckRequest(PROVIDER_URN, {}, bad, b"")))

    [failure] = checked.failures
    assert failure.property == "connections"
    assert failure.reason.startswith("stack config codestar:connections[0].arn: ")
    assert "connection_arn" not in failure.reason  # the schema's words
