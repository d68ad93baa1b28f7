"""Faults and secrets on the real Pulumi engine: the program, the CLI, a file backend, offline.

One stack for the module (each pulumi command costs seconds): a connection by ARN and one by
name read through a role (moto's STS), planted credentials, ``codestar:readTimeout`` 1 s and
``codestar:maxAttempts`` 3. It is deployed once with ``--logtostderr -v=9``; each test then
arms a fault in its own emulator process (``python -m emulator --state``, so it can be killed
and restarted) and checks what ``pulumi preview`` / ``refresh`` / ``up`` do, comparing
``pulumi stack export`` before and after: a failure must never change or drop a resource.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devkit.emulator_process import EmulatorProcess
from devkit.pulumi_cli import PulumiCLI
from devkit.sandbox import ProgramSandbox
from emulator.client import EmulatorClient
from tests.support.call_log import (
    PROVIDER_OPERATIONS,
    mutating_provider_calls,
    provider_calls,
    unlisted_provider_actions,
)
from tests.support.credentials import assert_no_secret, assumed_role_secrets
from tests.support.engine import program_sandbox
from tests.support.hosts import PLANTED

from .conftest import Stopwatch

pytestmark = pytest.mark.engine

ROLE = "arn:aws:iam::210987654321:role/codestar-reader"
# Three 1 s read timeouts and botocore's backoff, on top of what the engine itself needs.
EXTRA_SECONDS_ALLOWED = 15.0


@dataclass
class Stage:
    sandbox: ProgramSandbox
    process: EmulatorProcess
    emulator: EmulatorClient
    arn: str
    shared_arn: str
    up_output: str
    baseline_seconds: float
    """How long a clean `pulumi preview` takes here (the engine's own cost)."""
    resources: list[dict[str, Any]]
    """The stack's resources after the first `pulumi up`."""

    def restart_emulator(self) -> None:
        """SIGKILL the emulator and start a new one on the same state file, on a new port."""
        assert_read_only(self.emulator)
        self.process.kill()
        self.process = EmulatorProcess(state_file=self.process.state_file)
        self.emulator = EmulatorClient(self.process.start())
        self.sandbox.env["AWS_ENDPOINT_URL"] = self.emulator.url


def assert_read_only(emulator: EmulatorClient) -> None:
    """The promises the shared emulator fixture checks: no write, nothing the policy lacks."""
    calls = emulator.calls()
    writes = mutating_provider_calls(calls)
    assert not writes, f"the provider made a mutating AWS call: {writes}"
    unlisted = unlisted_provider_actions(calls)
    assert not unlisted, f"actions the README's IAM policy does not grant: {sorted(unlisted)}"


# What a resource in state is: the rest (timestamps, source positions) is bookkeeping that
# every engine run may rewrite.
_STATE_KEYS = ("urn", "type", "id", "custom", "external", "parent", "provider", "inputs", "outputs")


def resources(sandbox: ProgramSandbox) -> list[dict[str, Any]]:
    """The stack's resources as `pulumi stack export` shows them, bookkeeping left out.

    Sorted by URN: the engine may store independent siblings (the two Connections, registered
    concurrently) in either order from one run to the next, and that order means nothing.
    """
    deployment = sandbox.stack_export()["deployment"]
    return sorted(
        (
            {key: resource.get(key) for key in _STATE_KEYS}
            for resource in deployment.get("resources", [])
        ),
        key=lambda resource: str(resource["urn"]),
    )


def assert_state_unchanged(stage: Stage) -> None:
    after = resources(stage.sandbox)
    changed = {
        resource["urn"]: [k for k in _STATE_KEYS if resource[k] != before.get(k)]
        for resource, before in zip(after, stage.resources, strict=False)
        if resource != before
    }
    assert len(after) == len(stage.resources), "a resource was added or dropped"
    assert after == stage.resources, f"state changed: {changed}"


def write_stack_config(sandbox: ProgramSandbox, stack: str, config: dict[str, Any]) -> None:
    # Faster than a `pulumi config set` per key; keeps the encryption salt `stack init` wrote.
    path = sandbox.directory / f"Pulumi.{stack}.yaml"
    path.write_text(f"{path.read_text()}config: {json.dumps(config)}\n")


@pytest.fixture(scope="module")
def stage(
    pulumi_cli: PulumiCLI, tmp_path_factory: pytest.TempPathFactory, moto_sts: str
) -> Iterator[Stage]:
    root = tmp_path_factory.mktemp("reliability-engine")
    process = EmulatorProcess(state_file=root / "emulator-state.json")
    emulator = EmulatorClient(process.start())
    staged: Stage | None = None
    try:
        arn = emulator.create_connection("github-main", tags={"team": "platform"})
        shared_arn = emulator.create_connection("shared", provider_type="GitLab")
        sandbox = program_sandbox(
            root, pulumi_cli, emulator.url, aws={"AWS_ENDPOINT_URL_STS": moto_sts, **PLANTED}
        )
        sandbox.pulumi("stack", "init", "reliability")
        write_stack_config(
            sandbox,
            "reliability",
            {
                "codestar-connections:connectionArn": arn,
                "codestar-connections:connections": [
                    {"name": "shared", "assumeRoleArn": ROLE, "externalId": "tools-ci"}
                ],
                "aws:region": "us-east-1",
                "codestar:readTimeout": "1",
                "codestar:maxAttempts": "3",
            },
        )
        up = sandbox.pulumi("up", "--yes", "--logtostderr", "-v=9")
        with Stopwatch() as took:
            sandbox.pulumi("preview", "--expect-no-changes")
        staged = Stage(
            sandbox,
            process,
            emulator,
            arn,
            shared_arn,
            up.stdout + up.stderr,
            took.seconds,
            resources(sandbox),
        )
        yield staged
        assert_read_only(staged.emulator)
    finally:
        # The test that kills the emulator leaves its successor in the stage.
        (staged.process if staged is not None else process).stop()


@pytest.fixture
def clean(stage: Stage, request: pytest.FixtureRequest) -> Iterator[Stage]:
    """The stage with no fault armed and an empty call log; afterwards the same checks and
    tally as the shared emulator fixture (no write, operations counted for the session)."""
    stage.emulator.clear_faults()
    stage.emulator.clear_calls()
    yield stage
    stage.emulator.clear_faults()
    made = provider_calls(stage.emulator)
    tally = request.config.stash.setdefault(PROVIDER_OPERATIONS, Counter())
    tally.update(f"{call['Service']}:{call['Operation']}" for call in made)
    assert_read_only(stage.emulator)


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n{line}")


def test_credentials_planted_or_assumed_appear_in_no_state_output_or_engine_log(
    clean: Stage,
) -> None:
    sandbox = clean.sandbox
    exported = sandbox.stack_export()
    texts = {
        "`pulumi up --logtostderr -v=9`": clean.up_output,
        "`pulumi stack export`": json.dumps(exported),
        "`pulumi stack output --json --show-secrets`": sandbox.pulumi(
            "stack", "output", "--json", "--show-secrets"
        ).stdout,
    }
    for resource in exported["deployment"]["resources"]:
        pickled = (resource.get("inputs") or {}).get("__provider")
        if isinstance(pickled, str):
            texts[f"the pickled provider of {resource['urn']}"] = base64.b64decode(pickled).decode(
                "latin-1"
            )
    scratch = sandbox.directory.parent / "scratch"
    for path in scratch.rglob("*"):
        if path.is_file():
            texts[str(path.relative_to(scratch))] = path.read_text(errors="replace")

    role_secrets = assumed_role_secrets()
    assert role_secrets, "the role was never assumed"
    assert sandbox.stack_outputs()["shared"]["connectionArn"] == clean.shared_arn
    assert_no_secret(texts, {*PLANTED.values(), *role_secrets})


def test_transient_faults_during_up_are_retried_with_no_error_shown(
    clean: Stage, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = clean.emulator
    # Oldest first: the preview's Check meets a throttle, a 500 and a slow answer; the
    # update's Check a 503 and a slow answer; the other calls a reset and a throttle each.
    emulator.add_fault("GetConnection", error_code="ThrottlingException", count=1)
    emulator.add_fault("GetConnection", error_code="InternalFailure", http_status=500, count=1)
    emulator.add_fault("GetConnection", latency_ms=300, count=1)
    emulator.add_fault("GetConnection", error_code="ServiceUnavailable", http_status=503, count=1)
    emulator.add_fault("GetConnection", latency_ms=300, count=1)
    emulator.add_fault("ListTagsForResource", reset_connection=True, count=1)
    emulator.add_fault("ListConnections", error_code="ThrottlingException", count=1)

    with Stopwatch() as took:
        up = clean.sandbox.pulumi("up", "--yes")

    output = up.stdout + up.stderr
    failed = [c for c in emulator.calls() if c["ErrorCode"]]
    report(
        capsys,
        f"pulumi up through {len(failed)} transient faults: {took.seconds:.1f} s "
        f"(a clean preview: {clean.baseline_seconds:.1f} s)",
    )
    assert len(failed) == 5  # every fault but the latency was met, and retried
    assert "error" not in output.lower() and "warning" not in output.lower(), output
    assert_state_unchanged(clean)


# A persistent fault, the error class a Read raises for it (what `pulumi refresh` shows after
# Pulumi's host's traceback) and our message; every kind of botocore failure the lookup meets.
PERSISTENT: dict[str, tuple[dict[str, Any], str, str]] = {
    "ServiceUnavailable/503": (
        {"error_code": "ServiceUnavailable", "http_status": 503},
        "AwsLookupError",
        "GetConnection for connection {arn} in us-east-1 failed after 3 attempt(s) "
        "(ServiceUnavailable: ServiceUnavailable injected by the emulator)",
    ),
    "ThrottlingException": (
        {"error_code": "ThrottlingException"},
        "AwsLookupError",
        "GetConnection for connection {arn} in us-east-1 failed after 3 attempt(s) "
        "(ThrottlingException: ThrottlingException injected by the emulator): retry later; raise "
        "AWS_MAX_ATTEMPTS (or stack config codestar:maxAttempts) if AWS keeps throttling",
    ),
    "AccessDeniedException": (
        {"error_code": "AccessDeniedException"},
        "ConnectionAccessDenied",
        "not allowed to read connection {arn} in us-east-1 (AccessDeniedException: "
        "AccessDeniedException injected by the emulator): grant "
        "codestar-connections:GetConnection on it to the caller",
    ),
    "connection reset": (
        {"reset_connection": True},
        "EndpointUnreachable",
        "could not reach the codestar-connections endpoint in us-east-1: GetConnection for "
        "connection {arn} failed after 3 attempt(s) (ConnectionClosedError",
    ),
    "read timeout": (
        {"latency_ms": 2000},
        "EndpointUnreachable",
        "could not reach the codestar-connections endpoint in us-east-1: GetConnection for "
        "connection {arn} failed after 3 attempt(s) (ReadTimeoutError",
    ),
    "ResourceUnavailableException": (
        {"error_code": "ResourceUnavailableException"},
        "ConnectionUnavailable",
        "connection {arn} in us-east-1 is unavailable (ResourceUnavailableException: "
        "ResourceUnavailableException injected "
        "by the emulator): retry later; if it persists, check the connection under "
        "Developer Tools > Settings > Connections in the AWS console",
    ),
}


@pytest.mark.parametrize("fault", list(PERSISTENT))
def test_persistent_fault_fails_preview_and_refresh_clearly_in_bounded_time_keeping_state(
    clean: Stage, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    arm, error_class, message = PERSISTENT[fault]
    expected = message.format(arn=clean.arn)
    clean.emulator.add_fault("GetConnection", count=-1, **arm)

    with Stopwatch() as preview_took:
        preview = clean.sandbox.pulumi("preview", check=False)
    with Stopwatch() as refresh_took:
        refresh = clean.sandbox.pulumi("refresh", "--yes", check=False)
    clean.emulator.clear_faults()
    time.sleep(2.5 if "latency_ms" in arm else 0)  # let stalled answers finish

    report(
        capsys,
        f"persistent {fault}: preview failed in {preview_took.seconds:.1f} s, refresh in "
        f"{refresh_took.seconds:.1f} s (a clean preview: {clean.baseline_seconds:.1f} s)",
    )
    for run in (preview, refresh):
        output = run.stdout + run.stderr
        assert run.returncode != 0
        assert clean.arn in output, output
        assert expected in output, output
    assert "Traceback" not in preview.stdout + preview.stderr
    # Pulumi's dynamic provider host prints any Read error with its traceback (Check has
    # CheckFailure, Read has nothing like it): only the host's frames and the provider's
    # read() are left in it, then our message.
    refreshed = refresh.stdout + refresh.stderr
    assert "pulumi_codestar_connections/aws" not in refreshed, refreshed
    assert f"pulumi_codestar_connections.core.errors.{error_class}: {expected}" in refreshed, (
        refreshed
    )
    bound = clean.baseline_seconds + EXTRA_SECONDS_ALLOWED
    assert preview_took.seconds < bound
    assert refresh_took.seconds < bound
    # Never an empty id from Read: the resource stays, exactly as it was.
    assert_state_unchanged(clean)


def test_emulator_killed_between_up_and_preview_loses_nothing(
    clean: Stage, capsys: pytest.CaptureFixture[str]
) -> None:
    before = clean.emulator.url

    clean.restart_emulator()
    with Stopwatch() as took:
        preview = clean.sandbox.pulumi("preview", "--expect-no-changes", check=False)

    report(capsys, f"emulator SIGKILLed and restarted: clean preview in {took.seconds:.1f} s")
    assert clean.emulator.url != before
    assert preview.returncode == 0, preview.stdout + preview.stderr
    read = {call["Arn"] for call in provider_calls(clean.emulator, "GetConnection")}
    assert clean.arn in read  # the preview read through the restarted emulator
    assert_state_unchanged(clean)
