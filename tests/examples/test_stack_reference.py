"""examples/stack-reference: the connections stack exports what it looked up; the consumer
takes a connection from it through a StackReference — under the mocks and on the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from devkit.pulumi_cli import PulumiCLI
from emulator.client import EmulatorClient
from tests.examples.engine import ExampleProject, example_env
from tests.examples.mocks import EXAMPLES, ExampleMocks, run_example

PRODUCER = EXAMPLES / "stack-reference" / "connections"
CONSUMER = EXAMPLES / "stack-reference" / "consumer"
SHARED_STACK = "organization/codestar-example-connections/shared"


def exported(arn: str, name: str, provider_type: str, status: str) -> dict[str, Any]:
    return {
        "connectionArn": arn,
        "connectionName": name,
        "providerType": provider_type,
        "connectionStatus": status,
        "ownerAccountId": "123456789012",
        "region": "us-east-1",
    }


def test_connections_stack_exports_each_connection_by_arn_or_name(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    github = emulator.create_connection("github-main", provider_type="GitHub")
    gitlab = emulator.create_connection("gitlab-main", provider_type="GitLab", status="PENDING")

    outputs = run_example(
        PRODUCER, mocks, {"connections": {"github": github, "gitlab": "gitlab-main"}}
    )

    assert outputs == {
        "connections": {
            "github": exported(github, "github-main", "GitHub", "AVAILABLE"),
            "gitlab": exported(gitlab, "gitlab-main", "GitLab", "PENDING"),
        }
    }


def test_consumer_takes_the_connection_from_the_referenced_stack(emulator: EmulatorClient) -> None:
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"
    mocks = ExampleMocks(
        {SHARED_STACK: {"connections": {"github": exported(arn, "gh", "GitHub", "AVAILABLE")}}}
    )

    outputs = run_example(CONSUMER, mocks, {"connectionsStack": SHARED_STACK})

    assert outputs == {"sourceConnectionArn": arn, "sourceProviderType": "GitHub"}
    assert emulator.calls() == []  # the consumer never calls AWS


@pytest.mark.parametrize(
    ("connection", "status", "message"),
    [
        (
            "github",
            "ERROR",
            "connection 'github' (arn:aws:codestar-connections:us-east-1:123456789012:"
            f"connection/abc) was ERROR when stack {SHARED_STACK} last ran `pulumi up`",
        ),
        ("gitlab", "AVAILABLE", "exports no connection 'gitlab' (it exports: github)"),
    ],
)
def test_consumer_refuses_a_missing_or_unusable_connection(
    connection: str, status: str, message: str
) -> None:
    arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"
    mocks = ExampleMocks(
        {SHARED_STACK: {"connections": {"github": exported(arn, "gh", "GitHub", status)}}}
    )

    with pytest.raises(pulumi.RunError) as refused:
        run_example(CONSUMER, mocks, {"connectionsStack": SHARED_STACK, "connection": connection})

    assert message in str(refused.value)


@pytest.mark.engine
def test_on_the_engine_consumer_follows_the_connections_stack(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient
) -> None:
    github = emulator.create_connection("github-main", provider_type="GitHub")
    emulator.create_connection("gitlab-main", provider_type="GitLab")
    env = example_env(tmp_path / "scratch", pulumi_cli, emulator)
    producer = ExampleProject(PRODUCER, tmp_path / "connections", cli=pulumi_cli, env=env)
    consumer = ExampleProject(CONSUMER, tmp_path / "consumer", cli=pulumi_cli, env=env)

    producer.init_stack(
        "shared", {"connections.github": github, "connections.gitlab": "gitlab-main"}
    )
    producer.pulumi("up", "--yes", "--skip-preview")
    consumer.init_stack("app", {"connectionsStack": SHARED_STACK})
    consumer.pulumi("up", "--yes", "--skip-preview")

    assert producer.outputs()["connections"]["github"] == exported(
        github, "github-main", "GitHub", "AVAILABLE"
    )
    assert consumer.outputs() == {"sourceConnectionArn": github, "sourceProviderType": "GitHub"}

    # The connection breaks: the connections stack's drift check sees it (exit 7, "changes
    # were proposed"); once its `up` records it, the consumer refuses the connection.
    emulator.set_status(github, "ERROR")
    drift = producer.pulumi("preview", "--refresh", "--expect-no-changes", check=False)
    producer.pulumi("up", "--yes", "--skip-preview")
    refused = consumer.pulumi("preview", check=False)

    assert drift.returncode == 7, drift.stdout + drift.stderr
    assert refused.returncode != 0
    assert f"connection 'github' ({github}) was ERROR when stack {SHARED_STACK}" in refused.stdout
