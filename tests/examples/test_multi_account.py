"""examples/multi-account: connections of a tools account, read through an assumed role.

moto's STS server answers AssumeRole; the emulator keys its state by account, taking a 12-digit
access key id as the account it stands for (moto's convention) and any other key — such as the
ASIA… keys STS hands out — as its default account, 123456789012, which plays the tools
account here. The stack's own credentials stand for a workload account, 111111111111, where
the connections do not exist: only a read through the role can find them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.pulumi_cli import PulumiCLI
from emulator.client import EmulatorClient
from tests.examples.engine import ExampleProject, example_env
from tests.examples.mocks import EXAMPLES, ExampleMocks, run_example

EXAMPLE = EXAMPLES / "multi-account"
TOOLS_ACCOUNT = "123456789012"
WORKLOAD_KEY = "111111111111"  # the stack's own credentials: the workload account
ROLE = f"arn:aws:iam::{TOOLS_ACCOUNT}:role/codestar-connections-reader"


def seed(emulator: EmulatorClient) -> tuple[str, str]:
    github = emulator.create_connection("github-main", provider_type="GitHub")
    gitlab = emulator.create_connection("gitlab-main", provider_type="GitLab", status="ERROR")
    return github, gitlab


def assert_read_through_the_role(emulator: EmulatorClient) -> None:
    keys = {c["AccessKeyId"] for c in emulator.calls()}
    assert keys, "no call reached the emulator"
    assert WORKLOAD_KEY not in keys
    assert all(key.startswith("ASIA") for key in keys), keys  # STS temporary credentials


def test_connections_are_read_through_the_tools_account_role(
    mocks: ExampleMocks,
    emulator: EmulatorClient,
    moto_sts: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github, gitlab = seed(emulator)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", WORKLOAD_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_sts)

    outputs = run_example(
        EXAMPLE,
        mocks,
        {
            "toolsAccountRoleArn": ROLE,
            "externalId": "tools-ci",
            "connections": {"github": github, "gitlab": "gitlab-main"},
        },
    )

    assert outputs == {
        "connections": {
            "github": {
                "connectionArn": github,
                "connectionStatus": "AVAILABLE",
                "providerType": "GitHub",
                "ownerAccountId": TOOLS_ACCOUNT,
            },
            "gitlab": {
                "connectionArn": gitlab,
                "connectionStatus": "ERROR",
                "providerType": "GitLab",
                "ownerAccountId": TOOLS_ACCOUNT,
            },
        }
    }
    assert_read_through_the_role(emulator)
    stored = repr([r.outputs for r in mocks.registered])
    assert ROLE in stored and "ASIA" not in stored and "SecretAccessKey" not in stored


@pytest.mark.engine
def test_on_the_engine_connections_are_read_through_the_role(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient, moto_sts: str
) -> None:
    github, _ = seed(emulator)
    env = example_env(
        tmp_path / "scratch",
        pulumi_cli,
        emulator,
        AWS_ACCESS_KEY_ID=WORKLOAD_KEY,
        AWS_ENDPOINT_URL_STS=moto_sts,
    )
    project = ExampleProject(EXAMPLE, tmp_path / "project", cli=pulumi_cli, env=env)
    project.init_stack(
        "dev",
        {
            "toolsAccountRoleArn": ROLE,
            "connections.github": github,
            "connections.gitlab": "gitlab-main",
        },
    )

    project.pulumi("up", "--yes", "--skip-preview")

    connections = project.outputs()["connections"]
    assert connections["github"]["ownerAccountId"] == TOOLS_ACCOUNT
    assert connections["github"]["connectionArn"] == github
    assert connections["gitlab"]["connectionStatus"] == "ERROR"
    assert_read_through_the_role(emulator)
    state = project.pulumi("stack", "export").stdout
    assert ROLE in state and "ASIA" not in state
