"""examples/policy: its validation functions, called with pulumi_policy's own argument objects
built from what the provider and the examples really produce, and the pack served as Pulumi
serves it (``python -m pulumi.policy``), asked over gRPC.

The real engine loading the pack through `pulumi preview --policy-pack` is tested in
tests/engine/test_policy_pack.py.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

from emulator.client import EmulatorClient
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider
from tests.examples.mocks import CONNECTION_TYPE, EXAMPLES, ExampleMocks, Registered, run_example

# google.protobuf ships no type information (see langhost.host for the same import).
empty_pb2: Any = importlib.import_module("google.protobuf.empty_pb2")
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")

PACK = EXAMPLES / "policy"
OTHER_ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/not-looked-up"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulumi_aws")


@pytest.fixture(scope="module")
def policies() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "codestar_policies", PACK / "codestar_policies.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::example::{type_}::{name}"


def checked_inputs(arn: str) -> dict[str, Any]:
    """A Connection's inputs as the engine holds them after the provider's Check."""
    checked = ConnectionProvider().check({}, {"connectionArn": arn})
    assert checked.failures == []
    return dict(checked.inputs or {})


def resource_args(type_: str, props: dict[str, Any]) -> ResourceValidationArgs:
    return ResourceValidationArgs(type_, props, urn(type_, "r"), "r", options(), None)


def stack_args(registered: list[Registered]) -> StackValidationArgs:
    """The stack as a stack policy sees it: each resource with its outputs."""
    return StackValidationArgs(
        [
            PolicyResource(
                r.type_, r.outputs, urn(r.type_, r.name), r.name, options(), None, None, [], {}
            )
            for r in registered
        ]
    )


def violations(validate: Any, args: Any) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    validate(args, lambda message, urn=None: found.append((message, urn)))
    return found


def test_available_connection_passes(
    policies: ModuleType, aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")

    args = resource_args(CONNECTION_TYPE, checked_inputs(arn))

    assert violations(policies.connection_available, args) == []


# The dynamic resource's type and the provider plugin's token (Check records `observed` in both).
@pytest.mark.parametrize("type_", [CONNECTION_TYPE, "codestar:index:Connection"])
@pytest.mark.parametrize(
    ("status", "fix"),
    [("PENDING", "choose 'Update pending connection'"), ("ERROR", "reinstall or re-authorise")],
)
@pytest.mark.usefixtures("aws_env")
def test_connection_not_available_is_a_violation(
    policies: ModuleType, emulator: EmulatorClient, status: str, fix: str, type_: str
) -> None:
    arn = emulator.create_connection("github-main", status=status)

    [(message, _)] = violations(
        policies.connection_available, resource_args(type_, checked_inputs(arn))
    )

    assert message.startswith(f"connection {arn} is {status}, not AVAILABLE: ")
    assert fix in message


def test_other_resources_and_connections_not_yet_looked_up_are_not_judged(
    policies: ModuleType,
) -> None:
    pipeline = resource_args("aws:codepipeline/pipeline:Pipeline", {"connectionStatus": "ERROR"})
    unresolved = resource_args(CONNECTION_TYPE, {"connectionArn": None})

    assert violations(policies.connection_available, pipeline) == []
    assert violations(policies.connection_available, unresolved) == []


@pytest.mark.parametrize(
    ("example", "config"),
    [
        ("codepipeline", {"repository": "o/r"}),
        ("codebuild", {"repository": "o/r"}),
    ],
)
def test_examples_pass_the_stack_policy(
    policies: ModuleType,
    mocks: ExampleMocks,
    emulator: EmulatorClient,
    example: str,
    config: dict[str, str],
) -> None:
    arn = emulator.create_connection("github-main")
    run_example(EXAMPLES / example, mocks, {**config, "connectionArn": arn})

    assert violations(policies.sources_vouched, stack_args(mocks.registered)) == []


def test_pipeline_source_no_connection_vouches_for_is_a_violation(
    policies: ModuleType, mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")
    run_example(EXAMPLES / "codepipeline", mocks, {"repository": "o/r", "connectionArn": arn})
    pipeline = mocks.one("aws:codepipeline/pipeline:Pipeline")
    source_stage = next(s for s in pipeline.outputs["stages"] if s["name"] == "Source")
    source_stage["actions"][0]["configuration"]["ConnectionArn"] = OTHER_ARN  # hard-coded

    found = violations(policies.sources_vouched, stack_args(mocks.registered))

    assert found == [
        (
            f"pipeline: source action Source/Source uses connection {OTHER_ARN}, which no "
            "Connection in this stack looks up; declare one (Connection(..., connection_arn=…)) "
            "and pass its connection_arn, so its status is checked and its drift seen",
            urn("aws:codepipeline/pipeline:Pipeline", "pipeline"),
        )
    ]


def test_build_project_source_no_connection_vouches_for_is_a_violation(
    policies: ModuleType,
) -> None:
    project = Registered(
        "aws:codebuild/project:Project",
        "build",
        {},
        {"source": {"type": "GITHUB", "auth": {"type": "CODECONNECTIONS", "resource": OTHER_ARN}}},
    )

    [(message, where)] = violations(policies.sources_vouched, stack_args([project]))

    assert message.startswith(f"build: source uses connection {OTHER_ARN}, which no Connection")
    assert where == urn("aws:codebuild/project:Project", "build")


def test_connection_found_by_name_vouches_for_the_arn_it_resolved_to(
    policies: ModuleType, aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main")
    checked = ConnectionProvider().check({}, {"connectionName": "github-main"})
    connection = Registered(CONNECTION_TYPE, "source", {}, dict(checked.inputs or {}))
    pipeline = Registered(
        "aws:codepipeline/pipeline:Pipeline",
        "pipeline",
        {},
        {
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        {
                            "name": "Pull",
                            "provider": "CodeStarSourceConnection",
                            "configuration": {"ConnectionArn": arn},
                        }
                    ],
                }
            ]
        },
    )

    assert violations(policies.sources_vouched, stack_args([connection, pipeline])) == []


@pytest.fixture
def served_pack() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack started the way the engine starts a Python policy pack, on a free port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi.policy", "127.0.0.1:0", str(PACK)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), (port, process.stderr.read() if process.stderr else "")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()


def test_pack_serves_both_policies_as_mandatory(
    served_pack: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    info = served_pack.GetAnalyzerInfo(empty_pb2.Empty())

    assert info.name == "codestar-connections"
    assert {(p.name, p.enforcementLevel) for p in info.policies} == {
        ("codestar-connection-available", analyzer_pb2.MANDATORY),
        ("codestar-source-vouched", analyzer_pb2.MANDATORY),
    }


def test_pack_refuses_a_pending_connection(
    served_pack: analyzer_pb2_grpc.AnalyzerStub, aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", status="PENDING")
    properties = struct_pb2.Struct()
    properties.update(checked_inputs(arn))

    response = served_pack.Analyze(
        analyzer_pb2.AnalyzeRequest(
            type=CONNECTION_TYPE,
            properties=properties,
            urn=urn(CONNECTION_TYPE, "source"),
            name="source",
        )
    )

    [diagnostic] = response.diagnostics
    assert diagnostic.policyName == "codestar-connection-available"
    assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert f"connection {arn} is PENDING, not AVAILABLE" in diagnostic.message
