"""``__main__.py`` under Pulumi's mocks; the mocks run the real provider against the emulator."""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from devkit.mocks import check_then_create
from emulator.client import EmulatorClient
from pulumi_codestar_connections.aws import clear_client_cache

PROGRAM = Path(__file__).resolve().parents[2] / "__main__.py"
PROJECT = "codestar-connections"
ARN_OK = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"


class ProviderMocks(pulumi.runtime.Mocks):
    """Registers each resource the way the engine would for `pulumi up`: Check, then Create."""

    def __init__(self) -> None:
        self.registered: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append(args.typ)
        return check_then_create(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"the program made an unexpected call: {args.token}")


@pytest.fixture
def mocks(aws_env: dict[str, str]) -> Iterator[ProviderMocks]:
    clear_client_cache()  # the endpoint is read when a client is made
    mocks = ProviderMocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=False)
    yield mocks
    clear_client_cache()


def run_program(monkeypatch: pytest.MonkeyPatch, config: dict[str, str]) -> dict[str, Any]:
    exports: dict[str, Any] = {}
    monkeypatch.setattr(pulumi, "export", exports.__setitem__)
    pulumi.runtime.set_all_config({f"{PROJECT}:{key}": value for key, value in config.items()})
    runpy.run_path(str(PROGRAM), run_name="__main__")
    return exports


@pulumi.runtime.test  # type: ignore[untyped-decorator]
def test_program_exports_every_output_from_the_emulator(
    mocks: ProviderMocks, emulator: EmulatorClient, monkeypatch: pytest.MonkeyPatch
) -> Any:
    arn = emulator.create_connection("pipeline-source", provider_type="GitLab", status="PENDING")

    exports = run_program(monkeypatch, {"connectionArn": arn})

    def check(values: list[Any]) -> None:
        assert dict(zip(exports, values, strict=True)) == {
            "connectionArn": arn,
            "connectionName": "pipeline-source",
            "providerType": "GitLab",
            "ownerAccountId": "123456789012",
            "connectionStatus": "PENDING",
            "hostArn": "",
            "tags": {},
            "host": {},
            "service": "codestar-connections",
            "region": "us-east-1",
        }
        assert mocks.registered == ["pulumi-python:dynamic/codestar:Connection"]

    return pulumi.Output.all(*exports.values()).apply(check)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "stack config names no connection: set connectionArn (`pulumi config set"),
        (
            {"connectionArn": "arn:aws:codestar-connections:us-east-1:123456789012:host/h-1"},
            "stack config connectionArn: 'arn:aws:codestar-connections:us-east-1:123456789012:"
            "host/h-1' is a host ARN, not a connection ARN",
        ),
    ],
)
def test_bad_config_stops_the_program_before_any_resource_or_call(
    mocks: ProviderMocks,
    emulator: EmulatorClient,
    monkeypatch: pytest.MonkeyPatch,
    config: dict[str, str],
    message: str,
) -> None:
    with pytest.raises(pulumi.RunError) as raised:
        run_program(monkeypatch, config)

    assert message in str(raised.value)
    assert mocks.registered == []
    assert emulator.calls() == []


@pulumi.runtime.test  # type: ignore[untyped-decorator]
def test_host_arn_attribute_is_none_for_cloud_providers_and_the_arn_for_hosts(
    mocks: ProviderMocks, emulator: EmulatorClient
) -> Any:
    from pulumi_codestar_connections import Connection

    host_arn = emulator.create_host(
        "gitlab", provider_type="GitLabSelfManaged", endpoint="https://gitlab.example"
    )
    cloud = Connection("cloud", connection_arn=emulator.create_connection("cloud"))
    hosted = Connection(
        "hosted", connection_arn=emulator.create_connection("hosted", host_arn=host_arn)
    )

    def check(values: list[Any]) -> None:
        assert values == [None, host_arn, "GitLabSelfManaged"]

    return pulumi.Output.all(cloud.host_arn, hosted.host_arn, hosted.provider_type).apply(check)


def run_with_connections(monkeypatch: pytest.MonkeyPatch, entries: object) -> dict[str, Any]:
    return run_program(monkeypatch, {"connections": json.dumps(entries)})


@pulumi.runtime.test  # type: ignore[untyped-decorator]
def test_connections_list_exports_each_entry_and_a_status_summary(
    mocks: ProviderMocks, emulator: EmulatorClient, monkeypatch: pytest.MonkeyPatch
) -> Any:
    github = emulator.create_connection("github-main")
    gitlab = emulator.create_connection("gitlab-main", provider_type="GitLab", status="PENDING")

    exports = run_with_connections(
        monkeypatch,
        [
            {"key": "source", "arn": github, "requireStatus": "AVAILABLE"},
            {"name": "gitlab-main", "providerType": "GitLab", "region": "us-east-1"},
        ],
    )

    def check(values: list[Any]) -> None:
        resolved = dict(zip(exports, values, strict=True))
        assert set(resolved) == {"source", "gitlab-main", "connectionStatuses"}
        assert resolved["connectionStatuses"] == {"source": "AVAILABLE", "gitlab-main": "PENDING"}
        assert resolved["source"]["connectionArn"] == github
        assert resolved["gitlab-main"]["connectionArn"] == gitlab
        assert resolved["gitlab-main"]["hostArn"] == ""

    return pulumi.Output.all(*exports.values()).apply(check)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("not-a-list", "stack config connections must be a list of objects"),
        (["x"], "stack config connections[0] must be an object with arn or name"),
        ([{"name": "a", "colour": "blue"}], "connections[0] has unknown key(s) colour"),
        ([{"arn": "arn:aws:s3:::b"}], "stack config connections[0].arn: 'arn:aws:s3:::b' is a s3"),
        ([{"name": "a", "arn": ARN_OK}], "connections[0].name: give connection_arn or"),
        ([{"name": "a", "requireStatus": "OK"}], "connections[0].requireStatus: require_status"),
        ([{"name": "a"}, {"name": "a"}], "connections[1]: key 'a' is used twice"),
    ],
)
def test_bad_connections_entries_stop_the_program_naming_the_entry(
    mocks: ProviderMocks,
    emulator: EmulatorClient,
    monkeypatch: pytest.MonkeyPatch,
    entries: object,
    message: str,
) -> None:
    with pytest.raises(pulumi.RunError) as raised:
        run_with_connections(monkeypatch, entries)

    assert message in str(raised.value)
    assert mocks.registered == []
    assert emulator.calls() == []
