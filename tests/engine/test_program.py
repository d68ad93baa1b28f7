"""The project's program on the real Pulumi engine: up, preview, refresh, destroy, offline.

Each test runs the CLI built by scripts/install-pulumi-cli against the in-process emulator and
asserts on exit codes, stack outputs, ``pulumi stack export`` and the emulator's call log.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from devkit.pulumi_cli import PulumiCLI
from devkit.sandbox import ProgramSandbox
from emulator.client import EmulatorClient
from tests.support.call_log import MUTATING_PREFIXES, provider_calls
from tests.support.engine import program_sandbox

pytestmark = pytest.mark.engine

PLANTED = {
    "AWS_ACCESS_KEY_ID": "AKIAENGINEPLANTED001",
    "AWS_SECRET_ACCESS_KEY": "engine-planted-secret-0001",
    "AWS_SESSION_TOKEN": "engine-planted-session-token-0001",
}
ADOPT_PROGRAM = """\
import pulumi
from pulumi_codestar_connections import Connection

adopted = Connection.get("adopted", pulumi.Config().require("connectionArn"))
pulumi.export("connectionStatus", adopted.connection_status)
pulumi.export("connectionName", adopted.connection_name)
"""
MANY_PROGRAM = """\
import itertools
import json
import pulumi
from pulumi_codestar_connections import Connection

for index, arn in enumerate(json.loads(pulumi.Config().require("arns"))):
    pulumi.export(f"status{index}", Connection(f"c{index}", connection_arn=arn).connection_status)
"""


def make_sandbox(
    tmp_path: Path,
    cli: PulumiCLI,
    emulator: EmulatorClient,
    *,
    main_source: str | None = None,
    credentials: dict[str, str] | None = None,
) -> ProgramSandbox:
    return program_sandbox(tmp_path, cli, emulator.url, main_source=main_source, aws=credentials)


@pytest.fixture
def sandbox(tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient) -> ProgramSandbox:
    return make_sandbox(tmp_path, pulumi_cli, emulator)


def deployed(sandbox: ProgramSandbox, arn: str) -> dict[str, Any]:
    sandbox.init_stack("test", {"connectionArn": arn})
    sandbox.pulumi("up", "--yes")
    return sandbox.stack_outputs()


def test_up_exports_the_connection_with_one_get_connection(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("github-main", provider_type="GitHub", region="eu-west-1")

    outputs = deployed(sandbox, arn)

    assert outputs == {
        "connectionArn": arn,
        "connectionName": "github-main",
        "providerType": "GitHub",
        "ownerAccountId": "123456789012",
        "connectionStatus": "AVAILABLE",
        "hostArn": "",
        "tags": {},
        "host": {},
        "service": "codestar-connections",
        "region": "eu-west-1",
    }
    [resource] = sandbox.resources()
    assert resource["id"] == arn
    assert resource["type"] == "pulumi-python:dynamic/codestar:Connection"
    assert resource["outputs"]["connectionStatus"] == "AVAILABLE"
    # `pulumi up` previews, then updates: one GetConnection (and the tags) in each phase.
    assert Counter(c["Operation"] for c in provider_calls(emulator)) == {
        "GetConnection": 2,
        "ListTagsForResource": 2,
    }


def test_preview_expects_no_changes_when_nothing_changed(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    deployed(sandbox, emulator.create_connection("quiet"))
    emulator.clear_calls()

    preview = sandbox.pulumi("preview", "--expect-no-changes", check=False)

    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "hostArn" not in preview.stdout  # no "[unknown]" noise for a connection without host
    assert len(provider_calls(emulator, "GetConnection")) == 1


@pytest.mark.parametrize(("before", "after"), [("AVAILABLE", "ERROR"), ("PENDING", "AVAILABLE")])
def test_status_drift_fails_previews_until_up_records_it(
    sandbox: ProgramSandbox, emulator: EmulatorClient, before: str, after: str
) -> None:
    arn = emulator.create_connection("drifting", status=before)
    deployed(sandbox, arn)
    emulator.set_status(arn, after)

    plain = sandbox.pulumi("preview", "--expect-no-changes", "--diff", check=False)
    refreshed = sandbox.pulumi("preview", "--refresh", "--expect-no-changes", "--diff", check=False)

    for preview in (plain, refreshed):
        assert preview.returncode != 0
        assert "no changes were expected" in preview.stdout + preview.stderr
        assert f'connectionStatus: "{before}" => "{after}"' in preview.stdout
    sandbox.pulumi("up", "--yes")
    assert sandbox.stack_outputs()["connectionStatus"] == after
    assert sandbox.pulumi("preview", "--expect-no-changes", check=False).returncode == 0


def test_refresh_updates_the_stored_outputs(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("refreshed", status="PENDING")
    deployed(sandbox, arn)
    emulator.set_status(arn, "AVAILABLE")

    sandbox.pulumi("refresh", "--yes")

    [resource] = sandbox.resources()
    assert resource["outputs"]["connectionStatus"] == "AVAILABLE"
    # Inputs keep what `up` recorded, so the drift stays visible until `up` accepts it.
    assert resource["inputs"]["observed"]["connectionStatus"] == "PENDING"
    assert sandbox.pulumi("preview", "--expect-no-changes", check=False).returncode != 0


def test_deleted_connection_fails_preview_clearly_and_refresh_drops_it(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("doomed")
    deployed(sandbox, arn)
    emulator.delete_connection(arn)

    preview = sandbox.pulumi("preview", check=False)
    sandbox.pulumi("refresh", "--yes")

    assert preview.returncode != 0
    assert (
        f"connection {arn} not found in us-east-1 (ResourceNotFoundException): "
        "check the ARN, region and account"
    ) in preview.stdout
    assert "Traceback" not in preview.stdout + preview.stderr
    assert sandbox.resources() == []


def test_destroy_leaves_the_connection_and_makes_no_call(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("kept")
    deployed(sandbox, arn)
    emulator.clear_calls()

    sandbox.pulumi("destroy", "--yes")

    assert sandbox.resources() == []
    assert provider_calls(emulator) == []
    assert emulator.boto3_client().get_connection(ConnectionArn=arn)["Connection"]["ConnectionArn"]


def test_whole_lifecycle_makes_only_get_connection_calls(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("lifecycle")
    deployed(sandbox, arn)
    emulator.set_status(arn, "ERROR")
    sandbox.pulumi("preview", "--refresh", check=False)
    sandbox.pulumi("up", "--yes")
    sandbox.pulumi("refresh", "--yes")
    sandbox.pulumi("destroy", "--yes")

    operations = Counter(c["Operation"] for c in provider_calls(emulator))

    assert set(operations) == {"GetConnection", "ListTagsForResource"}
    assert not [op for op in operations if op.startswith(MUTATING_PREFIXES)]


def test_connection_get_adopts_by_arn_as_a_read_resource(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient
) -> None:
    sandbox = make_sandbox(tmp_path, pulumi_cli, emulator, main_source=ADOPT_PROGRAM)
    arn = emulator.create_connection("adopted", status="PENDING")

    outputs = deployed(sandbox, arn)

    assert outputs == {"connectionStatus": "PENDING", "connectionName": "adopted"}
    [resource] = sandbox.resources()
    assert resource["external"] is True
    assert resource["id"] == arn
    assert sandbox.pulumi("preview", "--expect-no-changes", check=False).returncode == 0


def test_fifty_connections_cost_one_get_connection_each_per_operation(
    tmp_path: Path,
    pulumi_cli: PulumiCLI,
    emulator: EmulatorClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox = make_sandbox(tmp_path, pulumi_cli, emulator, main_source=MANY_PROGRAM)
    arns = [emulator.create_connection(f"conn-{i}") for i in range(50)]
    sandbox.init_stack("test", {"arns": json.dumps(arns)})
    figures: dict[str, float] = {}

    operations = {
        "up --skip-preview": ("up", "--yes", "--skip-preview"),
        "preview": ("preview",),
        "refresh --skip-preview": ("refresh", "--yes", "--skip-preview"),
        "up (preview + update)": ("up", "--yes"),
    }
    for name, args in operations.items():
        emulator.clear_calls()
        sandbox.pulumi(*args)
        per_arn = Counter(c["Arn"] for c in provider_calls(emulator, "GetConnection"))
        assert set(per_arn) == set(arns)
        assert len(set(per_arn.values())) == 1, per_arn  # every resource alike
        figures[name] = max(per_arn.values())

    outputs = sandbox.stack_outputs()
    assert [outputs[f"status{i}"] for i in range(50)] == ["AVAILABLE"] * 50
    with capsys.disabled():
        print(f"\nGetConnection calls per resource, 50 connections: {figures}")
    assert figures == {
        "up --skip-preview": 1,
        "preview": 1,
        "refresh --skip-preview": 1,
        "up (preview + update)": 2,  # one per engine phase
    }


def test_planted_credentials_appear_in_no_state_output_or_log(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient
) -> None:
    sandbox = make_sandbox(tmp_path, pulumi_cli, emulator, credentials=PLANTED)
    arn = emulator.create_connection("secretive")
    sandbox.init_stack("test", {"connectionArn": arn})

    runs = [
        sandbox.pulumi("up", "--yes", "--logtostderr", "-v=9"),
        sandbox.pulumi("preview", "--logtostderr", "-v=9"),
        sandbox.pulumi("refresh", "--yes"),
    ]
    texts = [r.stdout + r.stderr for r in runs]
    texts += [json.dumps(sandbox.stack_export()), json.dumps(sandbox.stack_outputs())]
    texts += [
        p.read_text(errors="replace") for p in (tmp_path / "scratch").rglob("*") if p.is_file()
    ]

    assert sandbox.stack_outputs()["connectionName"] == "secretive"
    assert any("GetConnection" in c["Operation"] for c in provider_calls(emulator))
    for text in texts:
        for marker in PLANTED.values():
            assert marker not in text


def test_bad_arn_in_config_fails_preview_before_any_call(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    sandbox.init_stack("test", {"connectionArn": "arn:aws:codestar-connections:us-east-1:1:host/x"})

    preview = sandbox.pulumi("preview", check=False)

    assert preview.returncode != 0
    assert "stack config connectionArn: 'arn:aws:codestar-connections:us-east-1:1:host/x'" in (
        preview.stdout + preview.stderr
    )
    assert "Traceback" not in preview.stdout + preview.stderr
    assert emulator.calls() == []


def _get_connection_starts(emulator: EmulatorClient) -> list[float]:
    return sorted(float(call["Time"]) for call in provider_calls(emulator, "GetConnection"))


def test_preview_looks_up_the_configured_connections_together(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    # The engine Checks one resource at a time, so one at a time every GetConnection would
    # start after the previous one's answer. The provider starts the lookups the stack config
    # names together (engine/prefetch.py); codestar:prefetch=false goes back to one at a time.
    arns = [emulator.create_connection(f"repo-{i}") for i in range(12)]
    sandbox.init_stack("test", {})
    stack_file = sandbox.directory / "Pulumi.test.yaml"
    written = stack_file.read_text().rstrip()
    entries = json.dumps([{"arn": arn} for arn in arns])  # JSON is YAML
    stack_file.write_text(f"{written}\nconfig:\n  codestar-connections:connections: {entries}\n")
    sandbox.pulumi("up", "--yes", "--skip-preview")
    latency = 0.2
    emulator.add_fault("GetConnection", latency_ms=int(latency * 1000), count=-1)

    emulator.clear_calls()
    sandbox.pulumi("preview", "--expect-no-changes")
    together = _get_connection_starts(emulator)
    sandbox.pulumi("config", "set", "codestar:prefetch", "false")
    emulator.clear_calls()
    sandbox.pulumi("preview", "--expect-no-changes")
    one_at_a_time = _get_connection_starts(emulator)

    def overlapping(starts: list[float]) -> int:
        return sum(1 for a, b in itertools.pairwise(starts) if b - a < latency)

    assert len(together) == len(one_at_a_time) == len(arns)  # the same calls either way
    assert overlapping(together) >= len(arns) // 2, together
    assert overlapping(one_at_a_time) == 0, one_at_a_time


def test_connections_list_by_name_exports_each_and_a_status_summary(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    github = emulator.create_connection("github-main", region="eu-west-1")
    emulator.create_connection("gitlab-main", provider_type="GitLab", region="eu-west-1")
    sandbox.init_stack("test", {"aws:region": "eu-west-1"})
    sandbox.pulumi("config", "set", "--path", "connections[0].key", "github")
    sandbox.pulumi("config", "set", "--path", "connections[0].name", "github-main")
    sandbox.pulumi("config", "set", "--path", "connections[0].requireStatus", "AVAILABLE")
    sandbox.pulumi("config", "set", "--path", "connections[1].name", "gitlab-main")
    sandbox.pulumi("config", "set", "--path", "connections[1].providerType", "GitLab")

    sandbox.pulumi("up", "--yes", "--skip-preview")
    outputs = sandbox.stack_outputs()

    assert outputs["connectionStatuses"] == {"github": "AVAILABLE", "gitlab-main": "AVAILABLE"}
    assert outputs["github"]["connectionArn"] == github
    assert outputs["gitlab-main"]["providerType"] == "GitLab"
    # One listing per distinct (region, service, filter): unfiltered, and GitLab-only.
    assert len(provider_calls(emulator, "ListConnections")) == 2


def test_require_status_stops_preview_for_a_pending_connection(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    emulator.create_connection("waiting", status="PENDING")
    sandbox.init_stack("test", {})
    sandbox.pulumi("config", "set", "--path", "connections[0].name", "waiting")
    sandbox.pulumi("config", "set", "--path", "connections[0].requireStatus", "AVAILABLE")

    preview = sandbox.pulumi("preview", check=False)

    assert preview.returncode != 0
    assert "is PENDING, not AVAILABLE as required" in preview.stdout
    assert "the handshake with the provider was never completed" in preview.stdout
    assert "Traceback" not in preview.stdout + preview.stderr
