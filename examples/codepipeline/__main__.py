"""A CodePipeline whose source stage pulls through a CodeStar connection this stack looks up.

The connection is created once, by hand (the provider-side handshake happens in a browser);
this program only reads it, refuses it unless it is AVAILABLE, and lets the pipeline's role use
exactly that connection — no wildcard.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from pulumi_codestar_connections import (
    Connection,
)

config = pulumi.Config()
repository = config.require("repository")  # "owner/name", as the provider spells it
branch = config.get("branch") or "main"

# require_status: a PENDING (never authorised) or ERROR (app lost access) connection stops
# `pulumi preview` / `up` here, saying why and where to fix it, instead of leaving a pipeline
# whose first run fails.
source = Connection(
    "source",
    connection_arn=config.get("connectionArn") or None,
    connection_name=config.get("connectionName") or None,
    require_status="AVAILABLE",
)

artifacts = aws.s3.Bucket("artifacts", force_destroy=True)
aws.s3.BucketPublicAccessBlock(
    "artifacts",
    bucket=artifacts.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)


def assume_role_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def pipeline_policy(connection_arn: str, bucket_arn: str, project_arn: str) -> str:
    """What the pipeline's role may do: use this one connection, the artifacts, the build."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "UseTheSourceConnection",
                    "Effect": "Allow",
                    # Both prefixes: the service was renamed CodeConnections in 2024 and
                    # authorisation checks either, depending on the ARN the action names.
                    "Action": [
                        "codestar-connections:UseConnection",
                        "codeconnections:UseConnection",
                    ],
                    "Resource": connection_arn,
                },
                {
                    "Sid": "Artifacts",
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObject",
                        "s3:GetObjectVersion",
                        "s3:PutObject",
                        "s3:GetBucketVersioning",
                    ],
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                },
                {
                    "Sid": "Build",
                    "Effect": "Allow",
                    "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
                    "Resource": project_arn,
                },
            ],
        }
    )


def build_policy(bucket_arn: str, project_name: str) -> str:
    """The build reads the source artifact, writes its output artifact and its logs."""
    partition = bucket_arn.split(":")[1]  # aws, aws-cn, aws-us-gov, …
    log_groups = f"arn:{partition}:logs:*:*:log-group:/aws/codebuild/{project_name}*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Artifacts",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                    "Resource": f"{bucket_arn}/*",
                },
                {
                    "Sid": "Logs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": log_groups,
                },
            ],
        }
    )


build_role = aws.iam.Role("build", assume_role_policy=assume_role_policy("codebuild.amazonaws.com"))
build = aws.codebuild.Project(
    "build",
    service_role=build_role.arn,
    # The pipeline hands the build the source artifact; buildspec.yml comes from the repository.
    source=aws.codebuild.ProjectSourceArgs(type="CODEPIPELINE"),
    artifacts=aws.codebuild.ProjectArtifactsArgs(type="CODEPIPELINE"),
    environment=aws.codebuild.ProjectEnvironmentArgs(
        compute_type="BUILD_GENERAL1_SMALL",
        image="aws/codebuild/amazonlinux-x86_64-standard:5.0",
        type="LINUX_CONTAINER",
    ),
)
aws.iam.RolePolicy(
    "build",
    role=build_role.id,
    policy=pulumi.Output.all(artifacts.arn, build.name).apply(lambda v: build_policy(*v)),
)

pipeline_role = aws.iam.Role(
    "pipeline", assume_role_policy=assume_role_policy("codepipeline.amazonaws.com")
)
pipeline_role_policy = aws.iam.RolePolicy(
    "pipeline",
    role=pipeline_role.id,
    policy=pulumi.Output.all(source.connection_arn, artifacts.arn, build.arn).apply(
        lambda v: pipeline_policy(*v)
    ),
)

pipeline = aws.codepipeline.Pipeline(
    "pipeline",
    pipeline_type="V2",
    role_arn=pipeline_role.arn,
    artifact_stores=[
        aws.codepipeline.PipelineArtifactStoreArgs(type="S3", location=artifacts.bucket)
    ],
    stages=[
        aws.codepipeline.PipelineStageArgs(
            name="Source",
            actions=[
                aws.codepipeline.PipelineStageActionArgs(
                    name="Source",
                    category="Source",
                    owner="AWS",
                    provider="CodeStarSourceConnection",
                    version="1",
                    output_artifacts=["source"],
                    configuration={
                        "ConnectionArn": source.connection_arn,
                        "FullRepositoryId": repository,
                        "BranchName": branch,
                    },
                )
            ],
        ),
        aws.codepipeline.PipelineStageArgs(
            name="Build",
            actions=[
                aws.codepipeline.PipelineStageActionArgs(
                    name="Build",
                    category="Build",
                    owner="AWS",
                    provider="CodeBuild",
                    version="1",
                    input_artifacts=["source"],
                    output_artifacts=["build"],
                    configuration={"ProjectName": build.name},
                )
            ],
        ),
    ],
    # The first run starts as soon as the pipeline exists: the role must already be allowed
    # to use the connection by then.
    opts=pulumi.ResourceOptions(depends_on=[pipeline_role_policy]),
)

pulumi.export("pipelineName", pipeline.name)
pulumi.export("artifactBucket", artifacts.bucket)
pulumi.export("connectionArn", source.connection_arn)
pulumi.export("connectionName", source.connection_name)
pulumi.export("providerType", source.provider_type)
