"""examples/codebuild under the mocks: the project clones through exactly the looked-up
connection, with the source type and URL its provider type and host call for."""

from __future__ import annotations

import json

import pulumi
import pytest

from emulator.client import EmulatorClient
from tests.examples.mocks import EXAMPLES, CheckFailed, ExampleMocks, run_example

EXAMPLE = EXAMPLES / "codebuild"
PROJECT = "aws:codebuild/project:Project"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulumi_aws")


@pytest.mark.parametrize(
    ("provider_type", "source_type", "url"),
    [
        ("GitHub", "GITHUB", "https://github.com/my-org/my-service.git"),
        ("GitLab", "GITLAB", "https://gitlab.com/my-org/my-service.git"),
        ("Bitbucket", "BITBUCKET", "https://bitbucket.org/my-org/my-service.git"),
    ],
)
def test_project_clones_through_the_connection(
    mocks: ExampleMocks,
    emulator: EmulatorClient,
    provider_type: str,
    source_type: str,
    url: str,
) -> None:
    arn = emulator.create_connection("repo", provider_type=provider_type)

    outputs = run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "my-org/my-service"})

    project = mocks.one(PROJECT).inputs
    assert project["source"]["auth"] == {"type": "CODECONNECTIONS", "resource": arn}
    assert (project["source"]["type"], project["source"]["location"]) == (source_type, url)
    assert project["sourceVersion"] == "main"
    assert (outputs["cloneUrl"], outputs["sourceType"], outputs["connectionArn"]) == (
        url,
        source_type,
        arn,
    )


def test_self_managed_gitlab_clones_from_the_hosts_endpoint(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    host_arn = emulator.create_host(
        "gitlab", provider_type="GitLabSelfManaged", endpoint="https://gitlab.example.com/"
    )
    arn = emulator.create_connection("gitlab", host_arn=host_arn)

    run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "platform/api"})

    source = mocks.one(PROJECT).inputs["source"]
    assert source["type"] == "GITLAB_SELF_MANAGED"
    assert source["location"] == "https://gitlab.example.com/platform/api.git"
    assert source["auth"]["resource"] == arn


def test_build_role_may_use_exactly_that_connection(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("repo")

    run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "o/r", "branch": "dev"})

    policy = json.loads(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    [granted] = [s for s in policy["Statement"] if "Connection" in json.dumps(s["Action"])]
    assert granted["Resource"] == arn
    assert set(granted["Action"]) == {
        f"{prefix}:{action}"
        for prefix in ("codestar-connections", "codeconnections")
        for action in ("GetConnection", "GetConnectionToken", "UseConnection")
    }
    project = mocks.one(PROJECT)
    assert project.inputs["serviceRole"] == mocks.one("aws:iam/role:Role").outputs["arn"]
    assert project.inputs["sourceVersion"] == "dev"


def test_pending_connection_stops_the_program_before_the_project(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("repo", status="PENDING")

    with pytest.raises(CheckFailed, match="is PENDING, not AVAILABLE as required"):
        run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "o/r"})

    assert mocks.of_type(PROJECT) == []


def test_connection_codebuild_cannot_clone_from_fails_naming_the_provider(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection(
        "azure", provider_type="AzureDevOps", service="codeconnections"
    )

    with pytest.raises(
        pulumi.RunError, match="CodeBuild cannot clone through a connection to AzureDevOps"
    ):
        run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "o/r"})

    assert mocks.of_type(PROJECT) == []
