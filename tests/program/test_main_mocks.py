"""``__main__.py`` under Pulumi's mocks; the mocks run the real provider against the emulator."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from emulator.client import EmulatorClient
from provider.aws import clear_client_cache
from provider.lifecycle import ConnectionProvider

PROGRAM = Path(__file__).resolve().parents[2] / "__main__.py"
PROJECT = "codestar-connections"


class ProviderMocks(pulumi.runtime.Mocks):
    """Registers each resource the way the engine would for `pulumi up`: Check, then Create."""

    def __init__(self) -> None:
        self.registered: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append(args.typ)
        provider = ConnectionProvider()
        checked = provider.check({}, dict(args.inputs))
        assert checked.failures == [], checked.failures
        created = provider.create(checked.inputs)
        return created.id, dict(created.outs or {})

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
    from provider import Connection

    host_arn = emulator.boto3_client().create_host(
        Name="gitlab", ProviderType="GitLabSelfManaged", ProviderEndpoint="https://gitlab.example"
    )["HostArn"]
    cloud = Connection("cloud", connection_arn=emulator.create_connection("cloud"))
    hosted = Connection(
        "hosted", connection_arn=emulator.create_connection("hosted", host_arn=host_arn)
    )

    def check(values: list[Any]) -> None:
        assert values == [None, host_arn, "GitLabSelfManaged"]

    return pulumi.Output.all(cloud.host_arn, hosted.host_arn, hosted.provider_type).apply(check)
