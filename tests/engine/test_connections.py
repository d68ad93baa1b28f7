"""``Connections`` on the real Pulumi engine: drift for a whole account, offline.

A program lists every connection of the emulator's us-east-1; each test runs the CLI built by
scripts/install-pulumi-cli (under both language hosts) and asserts on exit codes, the preview's
diff, ``pulumi stack export`` and the emulator's call log.
"""

from __future__ import annotations

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

LISTING_PROGRAM = """\
import pulumi
from pulumi_codestar_connections import Connections

config = pulumi.Config()
every = Connections(
    "every", region=config.get("listRegion"), require_status=config.get("requireStatus")
)
pulumi.export("byName", every.by_name)
pulumi.export("ambiguousNames", every.ambiguous_names)
pulumi.export("count", every.count)
pulumi.export("statuses", every.statuses)
"""
NO_CHANGES = "no changes were expected for preview but changes were proposed"


@pytest.fixture
def sandbox(tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient) -> ProgramSandbox:
    return program_sandbox(tmp_path, pulumi_cli, emulator.url, main_source=LISTING_PROGRAM)


def three_connections(emulator: EmulatorClient) -> dict[str, str]:
    return {
        "github-main": emulator.create_connection("github-main", tags={"team": "ci"}),
        "gitlab-main": emulator.create_connection("gitlab-main", provider_type="GitLab"),
        "bitbucket": emulator.create_connection(
            "bitbucket", provider_type="Bitbucket", status="PENDING"
        ),
    }


def deployed(sandbox: ProgramSandbox, emulator: EmulatorClient) -> dict[str, str]:
    """Three connections, listed by a stack's `pulumi up`: their ARNs by name."""
    arns = three_connections(emulator)
    sandbox.init_stack("test", {})
    sandbox.pulumi("up", "--yes", "--skip-preview")
    return arns


def operations(emulator: EmulatorClient) -> Counter[str]:
    return Counter(call["Operation"] for call in provider_calls(emulator))


def listing(sandbox: ProgramSandbox) -> dict[str, Any]:
    [resource] = sandbox.resources("Connections")
    return resource


def test_up_exports_the_listing_with_one_pass_per_phase_and_a_preview_is_clean(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arns = three_connections(emulator)
    sandbox.init_stack("test", {})

    sandbox.pulumi("up", "--yes")
    up_calls = operations(emulator)
    emulator.clear_calls()
    preview = sandbox.pulumi("preview", "--expect-no-changes", check=False)

    assert sandbox.stack_outputs() == {
        "byName": arns,
        "ambiguousNames": {},
        "count": 3,
        "statuses": {"PENDING": 1, "AVAILABLE": 2, "ERROR": 0},
    }
    resource = listing(sandbox)
    assert resource["type"] == "pulumi-python:dynamic/codestar:Connections"
    assert resource["id"] == "codestar-connections/us-east-1"
    assert [c["connectionArn"] for c in resource["outputs"]["connections"]] == sorted(arns.values())
    # `pulumi up` previews, then updates: one ListConnections pass (one page) and the tags of
    # each connection in each phase; the plain preview after it, one of each.
    assert up_calls == {"ListConnections": 2, "ListTagsForResource": 6}
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert operations(emulator) == {"ListConnections": 1, "ListTagsForResource": 3}


def test_account_drift_fails_previews_until_refresh_and_up_accept_it(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arns = deployed(sandbox, emulator)
    added = emulator.create_connection("newcomer")
    emulator.delete_connection(arns["gitlab-main"])
    emulator.set_status(arns["bitbucket"], "AVAILABLE")

    plain = sandbox.pulumi("preview", "--expect-no-changes", "--diff", check=False)
    sandbox.pulumi("refresh", "--yes")
    refreshed_outputs = listing(sandbox)["outputs"]
    after_refresh = sandbox.pulumi("preview", "--expect-no-changes", check=False)
    sandbox.pulumi("up", "--yes")
    accepted = sandbox.pulumi("preview", "--expect-no-changes", check=False)

    # The diff names each connection by its ARN: one appeared, one went, one changed status.
    assert plain.returncode == 7, plain.stdout + plain.stderr
    assert NO_CHANGES in plain.stdout + plain.stderr
    assert f"+ {added}: {{" in plain.stdout
    assert f"- {arns['gitlab-main']}: {{" in plain.stdout
    assert f"~ {arns['bitbucket']}: {{" in plain.stdout
    assert 'connectionStatus: "PENDING" => "AVAILABLE"' in plain.stdout
    assert f"~ {arns['github-main']}" not in plain.stdout  # unchanged: shown, not marked
    # Refresh stores the new outputs; the inputs keep what `up` saw, so the drift still shows.
    assert refreshed_outputs["count"] == 3
    assert refreshed_outputs["statuses"] == {"PENDING": 0, "AVAILABLE": 3, "ERROR": 0}
    assert after_refresh.returncode == 7, after_refresh.stdout + after_refresh.stderr
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert sandbox.stack_outputs()["byName"] == {
        "github-main": arns["github-main"],
        "bitbucket": arns["bitbucket"],
        "newcomer": added,
    }
    assert not [op for op in operations(emulator) if op.startswith(MUTATING_PREFIXES)]


def test_destroy_forgets_the_listing_and_makes_no_call(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arns = deployed(sandbox, emulator)
    emulator.clear_calls()

    sandbox.pulumi("destroy", "--yes")

    assert sandbox.resources("Connections") == []
    assert provider_calls(emulator) == []
    client = emulator.boto3_client()
    assert {c["ConnectionArn"] for c in client.list_connections()["Connections"]} == set(
        arns.values()
    )


def test_require_status_stops_preview_naming_each_connection_not_in_it(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    arns = three_connections(emulator)
    sandbox.init_stack("test", {"requireStatus": "AVAILABLE"})

    preview = sandbox.pulumi("preview", check=False)

    assert preview.returncode != 0
    assert f"connection 'bitbucket' ({arns['bitbucket']}) is PENDING, not AVAILABLE" in (
        preview.stdout
    )
    assert "the handshake with the provider was never completed" in preview.stdout
    assert "Traceback" not in preview.stdout + preview.stderr


def test_a_bad_region_fails_preview_on_its_property_before_any_call(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    three_connections(emulator)
    sandbox.init_stack("test", {"listRegion": "moon-1"})

    preview = sandbox.pulumi("preview", check=False)

    assert preview.returncode != 0
    assert "region 'moon-1' is not an AWS region (e.g. eu-west-1)" in preview.stdout
    assert "Traceback" not in preview.stdout + preview.stderr
    assert provider_calls(emulator) == []


def test_an_aws_error_fails_preview_with_our_message_and_no_traceback(
    sandbox: ProgramSandbox, emulator: EmulatorClient
) -> None:
    three_connections(emulator)
    emulator.add_fault("ListConnections", error_code="AccessDeniedException", count=-1)
    sandbox.init_stack("test", {})

    preview = sandbox.pulumi("preview", check=False)

    assert preview.returncode != 0
    assert "resource 'every' has a problem: not allowed to read the codestar-connections" in (
        preview.stdout
    )
    assert "grant codestar-connections:ListConnections on it to the caller" in preview.stdout
    assert "Traceback" not in preview.stdout + preview.stderr
