"""examples/codepipeline under the mocks: the source action and the IAM policy name exactly the
connection the provider looked up in the emulator; a PENDING connection stops the program."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.client import EmulatorClient
from tests.examples.mocks import EXAMPLES, CheckFailed, ExampleMocks, run_example

EXAMPLE = EXAMPLES / "codepipeline"
PIPELINE = "aws:codepipeline/pipeline:Pipeline"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

# pulumi-aws warns, on import, about its own deprecated resource classes.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulumi_aws")


def source_action(mocks: ExampleMocks) -> dict[str, Any]:
    [stage] = [s for s in mocks.one(PIPELINE).inputs["stages"] if s["name"] == "Source"]
    [action] = stage["actions"]
    return dict(action)


def statements(mocks: ExampleMocks, name: str) -> list[dict[str, Any]]:
    [policy] = [r for r in mocks.of_type(ROLE_POLICY) if r.name == name]
    return list(json.loads(policy.inputs["policy"])["Statement"])


def test_source_action_uses_the_looked_up_connection(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", provider_type="GitHub")

    outputs = run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "my-org/my-service"})

    action = source_action(mocks)
    assert action["provider"] == "CodeStarSourceConnection"
    assert (action["category"], action["owner"], action["version"]) == ("Source", "AWS", "1")
    assert action["configuration"] == {
        "ConnectionArn": arn,
        "FullRepositoryId": "my-org/my-service",
        "BranchName": "main",
    }
    assert outputs["connectionArn"] == arn
    assert outputs["providerType"] == "GitHub"


def test_pipeline_role_may_use_exactly_that_connection(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    emulator.create_connection("other")  # exists, must not be granted
    arn = emulator.create_connection("github-main")

    run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "o/r"})

    granted = [s for s in statements(mocks, "pipeline") if "UseConnection" in json.dumps(s)]
    assert granted == [
        {
            "Sid": "UseTheSourceConnection",
            "Effect": "Allow",
            "Action": ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
            "Resource": arn,
        }
    ]
    assert "UseConnection" not in json.dumps(statements(mocks, "build"))
    pipeline = mocks.one(PIPELINE)
    role = next(r for r in mocks.registered if r.type_.endswith(":Role") and r.name == "pipeline")
    assert pipeline.inputs["roleArn"] == role.outputs["arn"]


def test_artifacts_go_to_the_artifact_bucket_and_build_gets_the_source(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")

    outputs = run_example(
        EXAMPLE, mocks, {"connectionArn": arn, "repository": "o/r", "branch": "release"}
    )

    pipeline = mocks.one(PIPELINE).inputs
    assert pipeline["artifactStores"] == [{"type": "S3", "location": outputs["artifactBucket"]}]
    [build_stage] = [s for s in pipeline["stages"] if s["name"] == "Build"]
    [build] = build_stage["actions"]
    assert build["inputArtifacts"] == source_action(mocks)["outputArtifacts"] == ["source"]
    assert (
        build["configuration"]["ProjectName"]
        == mocks.one("aws:codebuild/project:Project").outputs["name"]
    )
    assert source_action(mocks)["configuration"]["BranchName"] == "release"


def test_connection_found_by_name_puts_its_arn_in_the_source_action(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("gitlab-main", provider_type="GitLab")

    outputs = run_example(
        EXAMPLE, mocks, {"connectionName": "gitlab-main", "repository": "group/project"}
    )

    assert source_action(mocks)["configuration"]["ConnectionArn"] == arn
    [granted] = [s for s in statements(mocks, "pipeline") if s["Sid"] == "UseTheSourceConnection"]
    assert granted["Resource"] == arn
    assert (outputs["connectionName"], outputs["providerType"]) == ("gitlab-main", "GitLab")


@pytest.mark.parametrize("status", ["PENDING", "ERROR"])
def test_connection_not_available_stops_the_program_before_the_pipeline(
    mocks: ExampleMocks, emulator: EmulatorClient, status: str
) -> None:
    arn = emulator.create_connection("github-main", status=status)

    with pytest.raises(CheckFailed) as refused:
        run_example(EXAMPLE, mocks, {"connectionArn": arn, "repository": "o/r"})

    assert f"requireStatus: connection 'github-main' ({arn}) is {status}, not AVAILABLE" in str(
        refused.value
    )
    assert "Developer Tools > Settings > Connections (us-east-1)" in str(refused.value)
    assert mocks.of_type(PIPELINE) == []
    assert "pipeline" not in [r.name for r in mocks.of_type(ROLE_POLICY)]
