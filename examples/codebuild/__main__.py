"""A CodeBuild project that clones its repository through a CodeStar connection.

CodeBuild authenticates to GitHub, GitLab, Bitbucket or their self-managed servers with the
connection (``source.auth.type = CODECONNECTIONS``): no OAuth token or secret in the project.
The source type and the clone URL follow from what the lookup found — the connection's
provider type and, for a self-managed server, its host's endpoint.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from pulumi_codestar_connections import (
    Connection,
)

# CodeBuild's source type for each connection provider type it can clone from.
SOURCE_TYPES = {
    "GitHub": "GITHUB",
    "GitHubEnterpriseServer": "GITHUB_ENTERPRISE",
    "GitLab": "GITLAB",
    "GitLabSelfManaged": "GITLAB_SELF_MANAGED",
    "Bitbucket": "BITBUCKET",
}
CLOUD_URLS = {
    "GitHub": "https://github.com",
    "GitLab": "https://gitlab.com",
    "Bitbucket": "https://bitbucket.org",
}

config = pulumi.Config()
repository = config.require("repository")  # "owner/name", as the provider spells it
branch = config.get("branch") or "main"

repo = Connection(
    "repo", connection_arn=config.require("connectionArn"), require_status="AVAILABLE"
)


def source_type(provider_type: str) -> str:
    if provider_type not in SOURCE_TYPES:
        raise pulumi.RunError(
            f"CodeBuild cannot clone through a connection to {provider_type}; it can through "
            f"{', '.join(SOURCE_TYPES)}"
        )
    return SOURCE_TYPES[provider_type]


def clone_url(provider_type: str, host: dict[str, Any]) -> str:
    """The HTTPS clone URL: the provider's site, or the self-managed server's endpoint."""
    base = CLOUD_URLS.get(provider_type) or host.get("providerEndpoint")
    if not base:
        raise pulumi.RunError(f"the {provider_type} connection has no host endpoint to clone from")
    return f"{str(base).rstrip('/')}/{repository}.git"


def build_policy(connection_arn: str, project_name: str) -> str:
    """Use this one connection (no wildcard), and write the project's logs."""
    partition = connection_arn.split(":")[1]  # aws, aws-cn, aws-us-gov, …
    log_groups = f"arn:{partition}:logs:*:*:log-group:/aws/codebuild/{project_name}*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloneThroughTheConnection",
                    "Effect": "Allow",
                    # Both prefixes: the service was renamed CodeConnections in 2024 and
                    # authorisation checks either, depending on the connection's ARN.
                    "Action": [
                        f"{prefix}:{action}"
                        for prefix in ("codestar-connections", "codeconnections")
                        for action in ("GetConnection", "GetConnectionToken", "UseConnection")
                    ],
                    "Resource": connection_arn,
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


role = aws.iam.Role(
    "build",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "codebuild.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
)
project_name = f"{pulumi.get_project()}-{pulumi.get_stack()}"
role_policy = aws.iam.RolePolicy(
    "build",
    role=role.id,
    policy=repo.connection_arn.apply(lambda arn: build_policy(arn, project_name)),
)

project = aws.codebuild.Project(
    "build",
    name=project_name,
    service_role=role.arn,
    source=aws.codebuild.ProjectSourceArgs(
        type=repo.provider_type.apply(source_type),
        location=pulumi.Output.all(repo.provider_type, repo.host).apply(
            lambda v: clone_url(v[0], v[1])
        ),
        git_clone_depth=1,
        auth=aws.codebuild.ProjectSourceAuthArgs(
            type="CODECONNECTIONS", resource=repo.connection_arn
        ),
        # No buildspec here: CodeBuild reads buildspec.yml from the repository.
    ),
    source_version=branch,
    artifacts=aws.codebuild.ProjectArtifactsArgs(type="NO_ARTIFACTS"),
    environment=aws.codebuild.ProjectEnvironmentArgs(
        compute_type="BUILD_GENERAL1_SMALL",
        image="aws/codebuild/amazonlinux-x86_64-standard:5.0",
        type="LINUX_CONTAINER",
    ),
    # A build started right after `pulumi up` must already be allowed to use the connection.
    opts=pulumi.ResourceOptions(depends_on=[role_policy]),
)

pulumi.export("projectName", project.name)
pulumi.export("cloneUrl", project.source.location)
pulumi.export("sourceType", project.source.type)
pulumi.export("connectionArn", repo.connection_arn)
