"""No secret in state or logs, and no write to AWS, ever.

Credentials are planted with marker values (access key id, secret, session token) and a role is
assumed through moto's STS, whose temporary credentials are read back from moto's own backend:
none of them may appear in what the provider hands the engine (inputs, outputs, the pickled
provider), in the provider host's stderr, or in the CLI's ``--debug`` output. The engine side
(``pulumi stack export``, stack outputs, ``--logtostderr -v=9``) is in test_engine.py.

The read-only promise is checked at the teardown of every test that uses the shared
``emulator`` fixture (tests/conftest.py); the tests here make sure that check has teeth.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from emulator.client import EmulatorClient
from pulumi_codestar_connections import aws
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider
from tests.support.call_log import mutating_provider_calls, provider_calls
from tests.support.credentials import assert_no_secret, assumed_role_secrets
from tests.support.hosts import PLANTED, HostFactory

ROOT = Path(__file__).resolve().parents[2]
ROLE = "arn:aws:iam::210987654321:role/codestar-reader"


def unpickled_text(serialized: str) -> str:
    """The pickled provider as text, base64 undone: a secret inside would show."""
    return base64.b64decode(serialized).decode("latin-1")


def test_planted_and_assumed_role_credentials_stay_out_of_state_pickle_and_host_logs(
    host_factory: HostFactory, emulator: EmulatorClient, moto_sts: str
) -> None:
    arn = emulator.create_connection("guarded", tags={"team": "platform"})
    host = host_factory({"aws:region": "us-east-1"}, AWS_ENDPOINT_URL_STS=moto_sts)
    stored: dict[str, Any] = {}
    for label, inputs in {
        "plain": {"connectionArn": arn},
        "role": {"connectionArn": arn, "assumeRoleArn": ROLE, "externalId": "tools-ci"},
        "role by name": {"connectionName": "guarded", "assumeRoleArn": ROLE},
    }.items():
        checked, failures = host.check(inputs)
        assert failures == []
        id_, outputs = host.create(checked)
        refreshed = host.read(id_, outputs, checked)
        stored[label] = (checked, outputs, refreshed)
    stderr = host.close()

    role_secrets = assumed_role_secrets()
    used_keys = {call["AccessKeyId"] for call in provider_calls(emulator)}
    assert PLANTED["AWS_ACCESS_KEY_ID"] in used_keys  # the plain lookups signed with it
    assert used_keys - {PLANTED["AWS_ACCESS_KEY_ID"]} <= role_secrets  # the rest with the role
    assert len(role_secrets) >= 3
    assert_no_secret(
        {
            "inputs/outputs": json.dumps(stored, default=str),
            "the pickled provider": unpickled_text(host.serialized_provider),
            "the provider host's stderr": stderr,
        },
        set(PLANTED.values()) | role_secrets,
    )


def test_provider_pickled_after_configure_and_lookups_carries_no_credential(
    aws_env: dict[str, str],
    emulator: EmulatorClient,
    moto_sts: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in PLANTED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)
    aws.clear_client_cache()
    arn = emulator.create_connection("pickled")
    provider = ConnectionProvider()
    provider.configure(
        ConfigureRequest(
            Config({"aws:region": "us-east-1", "codestar:maxAttempts": "2"}, "codestar-connections")
        )
    )
    try:
        result = provider.check({}, {"connectionArn": arn, "assumeRoleArn": ROLE})
    finally:
        aws.configure_clients()  # configure() changed them for the whole process
        aws.clear_client_cache()

    assert not result.failures
    assert_no_secret(
        {"the pickled provider": unpickled_text(serialize_provider(provider))},
        set(PLANTED.values()) | assumed_role_secrets(),
    )


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_codestar_connections", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_debug_output_carries_no_credential(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("debugged")
    env = {**aws_env, **PLANTED, "AWS_EC2_METADATA_DISABLED": "true"}
    runs = {
        "get ARN": run_cli(env, "get", arn, "--debug"),
        "get --name": run_cli(env, "get", "--name", "debugged", "--debug"),
        "list": run_cli(env, "list", "--debug"),
    }
    emulator.add_fault("GetConnection", error_code="AccessDeniedException", count=-1)
    runs["refused, with traceback"] = run_cli(env, "get", arn, "--debug")

    assert [run.returncode for run in runs.values()] == [0, 0, 0, 1]
    assert "debug: " in runs["get ARN"].stderr and "GetConnection" in runs["get ARN"].stderr
    assert "Traceback" in runs["refused, with traceback"].stderr  # --debug shows everything…
    assert {c["AccessKeyId"] for c in provider_calls(emulator)} == {PLANTED["AWS_ACCESS_KEY_ID"]}
    assert_no_secret(  # …but never a credential
        {f"`{name}` output": run.stdout + run.stderr for name, run in runs.items()},
        set(PLANTED.values()),
    )


def test_read_only_check_finds_a_write_made_with_the_provider_agent() -> None:
    # The teardown check of the shared fixture, on a log with one of each kind of call.
    agent = "Botocore/1.0 pulumi-codestar-connections/0.1.0"
    log: list[dict[str, Any]] = [
        {"Operation": "GetConnection", "UserAgent": agent},
        {"Operation": "CreateConnection", "UserAgent": "Botocore/1.0 emulator-fixture"},
        {"Operation": "TagResource", "UserAgent": agent},
        {"Operation": "DeleteConnection", "UserAgent": agent},
        {"Operation": "UntagResource", "UserAgent": None},
        {"Operation": None, "UserAgent": agent},
    ]

    assert [call["Operation"] for call in mutating_provider_calls(log)] == [
        "TagResource",
        "DeleteConnection",
    ]


def test_read_only_fixture_sees_the_provider_agent_on_real_calls(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    # The provider's clients do carry the agent the teardown check looks for (else it would
    # check nothing): a lookup in-process, then the log.
    aws.clear_client_cache()
    arn = emulator.create_connection("agent")
    try:
        aws.find_connection_by_arn(arn)
    finally:
        aws.clear_client_cache()

    [call] = provider_calls(emulator, "GetConnection")
    assert "pulumi-codestar-connections/" in call["UserAgent"]
    fixture_calls = [c for c in emulator.calls() if c not in provider_calls(emulator)]
    assert all("emulator-fixture" in (c["UserAgent"] or "") for c in fixture_calls)
