"""The policies of the codestar-connections pack, as plain functions the tests call directly.

* ``codestar-connection-available`` — a ``Connection`` whose connection is not AVAILABLE
  fails the deployment, whether or not its program asked for ``require_status``.
* ``codestar-source-vouched`` — every CodePipeline ``CodeStarSourceConnection`` action (and
  every CodeBuild source authenticating with ``CODECONNECTIONS``) must use a connection ARN
  that a ``Connection`` in the same stack looked up: no hard-coded or stale ARN slips past
  the lookup, its status gate and the drift check.

Both kinds of ``Connection`` are judged: the Python dynamic resource (every dynamic resource
shares one type, so it is matched with its module and name) and the ``codestar`` provider
plugin's, which has a type token of its own. A ``Connection``'s properties are its inputs in
a resource policy — where the provider's Check recorded what AWS said under ``observed`` — and
its outputs in a stack policy; both are read here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

__all__ = [
    "CODEBUILD_PROJECT_TYPE",
    "CONNECTION_TYPE",
    "CONNECTION_TYPES",
    "PIPELINE_TYPE",
    "PLUGIN_CONNECTION_TYPE",
    "POLICIES",
    "connection_available",
    "connection_facts",
    "connection_sources",
    "sources_vouched",
]

CONNECTION_TYPE = "pulumi-python:dynamic/codestar:Connection"
PLUGIN_CONNECTION_TYPE = "codestar:index:Connection"
CONNECTION_TYPES = (CONNECTION_TYPE, PLUGIN_CONNECTION_TYPE)
PIPELINE_TYPE = "aws:codepipeline/pipeline:Pipeline"
CODEBUILD_PROJECT_TYPE = "aws:codebuild/project:Project"

_FIX = {
    "PENDING": "nobody completed the handshake: open it in the AWS console (Developer Tools > "
    "Settings > Connections) and choose 'Update pending connection'",
    "ERROR": "the provider-side app lost access: reinstall or re-authorise it, then update "
    "the connection in the AWS console",
}


def connection_facts(props: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(ARN, status) of a Connection, from its inputs (``observed``) or its outputs."""
    observed = props.get("observed") or {}
    arn = observed.get("connectionArn") or props.get("connectionArn")
    status = observed.get("connectionStatus") or props.get("connectionStatus")
    return arn, status


def connection_available(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in CONNECTION_TYPES:
        return
    arn, status = connection_facts(args.props)
    if status is None:
        return  # not looked up yet (an input known only after other resources exist)
    if status != "AVAILABLE":
        report_violation(
            f"connection {arn} is {status}, not AVAILABLE: "
            f"{_FIX.get(status, 'check it in the AWS console')}",
            None,
        )


def connection_sources(resource_type: str, props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, connection ARN) for each place a pipeline or build project uses a connection."""
    if resource_type == PIPELINE_TYPE:
        for stage in props.get("stages") or []:
            for action in stage.get("actions") or []:
                if action.get("provider") == "CodeStarSourceConnection":
                    where = f"source action {stage.get('name')}/{action.get('name')}"
                    yield where, (action.get("configuration") or {}).get("ConnectionArn")
    elif resource_type == CODEBUILD_PROJECT_TYPE:
        auth = (props.get("source") or {}).get("auth") or {}
        if auth.get("type") == "CODECONNECTIONS":
            yield "source", auth.get("resource")


def sources_vouched(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    vouched = {
        arn
        for resource in args.resources
        if resource.resource_type in CONNECTION_TYPES
        and (arn := connection_facts(resource.props)[0])
    }
    for resource in args.resources:
        for where, arn in connection_sources(resource.resource_type, resource.props):
            if arn not in vouched:
                report_violation(
                    f"{resource.name}: {where} uses connection {arn}, which no Connection in "
                    "this stack looks up; declare one (Connection(..., connection_arn=…)) and "
                    "pass its connection_arn, so its status is checked and its drift seen",
                    resource.urn,
                )


POLICIES = [
    ResourceValidationPolicy(
        name="codestar-connection-available",
        description="Every looked-up CodeStar connection is AVAILABLE.",
        validate=connection_available,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="codestar-source-vouched",
        description=(
            "Pipelines and build projects use only connections a Connection in the stack looks up."
        ),
        validate=sources_vouched,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
