"""What lands in state as ``__provider``: small, by reference, no client, no credential."""

from __future__ import annotations

import base64
import os

import dill
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider

from devkit.dynamic_host import DynamicHost
from emulator.client import EmulatorClient
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider, ConnectionsProvider
from tests.support.hosts import PLANTED, HostFactory


@pytest.mark.parametrize("provider_class", [ConnectionProvider, ConnectionsProvider])
def test_pickled_provider_is_a_reference_without_state(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    provider_class: type[ResourceProvider],
) -> None:
    for name, value in PLANTED.items():
        monkeypatch.setenv(name, value)

    encoded = serialize_provider(provider_class())
    raw = base64.b64decode(encoded)
    restored = dill.loads(raw)

    with capsys.disabled():
        print(
            f"\npickled __provider ({provider_class.__name__}): {len(raw)} bytes raw, "
            f"{len(encoded)} bytes base64"
        )
    assert len(encoded) <= 256
    assert type(restored) is provider_class
    assert vars(restored) == {}
    assert b"pulumi_codestar_connections.dynamic.provider" in raw
    assert provider_class.__name__.encode() in raw
    for value in PLANTED.values():
        assert value.encode() not in raw
    assert b"botocore" not in raw and b"boto3" not in raw


def test_pickle_does_not_depend_on_configuration_in_the_host(
    host: DynamicHost, emulator: EmulatorClient
) -> None:
    # The same bytes every time: nothing the host learns (profile, clients) flows back.
    arn = emulator.create_connection("stable")
    inputs, _ = host.check({"connectionArn": arn})
    host.create(inputs)

    assert serialize_provider(ConnectionProvider()) == host.serialized_provider


def test_provider_host_logs_carry_no_credentials(host_factory: HostFactory) -> None:
    host = host_factory(AWS_MAX_ATTEMPTS="1")
    try:
        host.check(
            {"connectionArn": "arn:aws:codestar-connections:us-east-1:123456789012:connection/x"}
        )
    finally:
        stderr = host.close()

    for value in PLANTED.values():
        assert value not in stderr
    assert os.environ.get("AWS_SECRET_ACCESS_KEY") != PLANTED["AWS_SECRET_ACCESS_KEY"]


_PROGRAM_PROBE = """
import json, runpy, sys
import pulumi

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return args.name, dict(args.inputs)
    def call(self, args):
        return {}, None

pulumi.runtime.set_mocks(Mocks(), project="codestar-connections", stack="probe", preview=True)
arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"
host = "arn:aws:codestar-connections:eu-west-1:123456789012:host/gh-0123456789"
pulumi.runtime.set_all_config({
    "codestar-connections:connectionArn": arn,
    "codestar-connections:connections": json.dumps([
        {"key": "a", "arn": arn, "providerType": "GitHub", "requireStatus": "AVAILABLE"},
        {"name": "ghe", "providerType": "GitHubEnterpriseServer", "hostArn": host,
         "region": "eu-west-1", "assumeRoleArn": "arn:aws:iam::123456789012:role/read"},
    ]),
})
runpy.run_path(sys.argv[1], run_name="__main__")
print(sorted({m.split(".")[0] for m in sys.modules} & {"boto3", "botocore", "urllib3"}))
"""


def test_the_program_side_imports_no_botocore() -> None:
    # A program validates inputs (every kind, here) but never calls AWS: botocore and urllib3
    # load in the provider host only.
    import subprocess
    import sys
    from pathlib import Path

    program = Path(__file__).resolve().parents[2] / "__main__.py"
    completed = subprocess.run(
        [sys.executable, "-c", _PROGRAM_PROBE, str(program)],
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.strip().splitlines()[-1] == "[]"
