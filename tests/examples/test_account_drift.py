"""examples/ci-drift-check/account: every connection of an account, watched — under the mocks
and on the engine, where the nightly drift check names what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from devkit.pulumi_cli import PulumiCLI
from emulator.client import EmulatorClient
from tests.examples.engine import ExampleProject, example_env
from tests.examples.mocks import EXAMPLES, CheckFailed, ExampleMocks, run_example

EXAMPLE = EXAMPLES / "ci-drift-check" / "account"


def test_the_stack_exports_the_listing_with_duplicate_names_kept(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    github = emulator.create_connection("github-main", provider_type="GitHub")
    twins = sorted(
        emulator.create_connection("shared", provider_type=provider_type, status=status)
        for provider_type, status in (("GitLab", "PENDING"), ("Bitbucket", "AVAILABLE"))
    )
    emulator.create_connection("elsewhere", region="eu-west-1")

    outputs = run_example(EXAMPLE, mocks, {"aws:region": "us-east-1"})

    assert outputs == {
        "connectionArns": {"github-main": github},
        "ambiguousNames": {"shared": twins},
        "count": 3,
        "statuses": {"PENDING": 1, "AVAILABLE": 2, "ERROR": 0},
        "notAvailable": ["shared"],
    }


def test_the_filter_and_the_gate_come_from_stack_config(
    mocks: ExampleMocks, emulator: EmulatorClient
) -> None:
    emulator.create_connection("github-main", provider_type="GitHub")
    emulator.create_connection("gitlab-main", provider_type="GitLab", status="ERROR")

    filtered = run_example(EXAMPLE, mocks, {"aws:region": "us-east-1", "providerType": "GitHub"})
    with pytest.raises(CheckFailed) as refused:
        run_example(
            EXAMPLE, ExampleMocks(), {"aws:region": "us-east-1", "requireStatus": "AVAILABLE"}
        )

    assert filtered["count"] == 1
    assert "connection 'gitlab-main'" in str(refused.value)
    assert "is ERROR, not AVAILABLE as required" in str(refused.value)


@pytest.mark.engine
def test_on_the_engine_the_drift_check_names_what_changed_until_up_accepts_it(
    tmp_path: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient
) -> None:
    github = emulator.create_connection("github-main")
    gitlab = emulator.create_connection("gitlab-main", provider_type="GitLab")
    env = example_env(tmp_path / "scratch", pulumi_cli, emulator)
    project = ExampleProject(EXAMPLE, tmp_path / "account", cli=pulumi_cli, env=env)
    project.init_stack("nightly", {"aws:region": "us-east-1"})
    project.pulumi("up", "--yes", "--skip-preview")
    clean = project.pulumi("preview", "--expect-no-changes", check=False)

    emulator.set_status(github, "ERROR")
    emulator.delete_connection(gitlab)
    added = emulator.create_connection("newcomer")
    drift = project.pulumi("preview", "--expect-no-changes", "--diff", check=False)
    project.pulumi("up", "--yes", "--skip-preview")
    accepted = project.pulumi("preview", "--expect-no-changes", check=False)

    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert drift.returncode == 7, drift.stdout + drift.stderr
    assert f"~ {github}: {{" in drift.stdout
    assert 'connectionStatus: "AVAILABLE" => "ERROR"' in drift.stdout
    assert f"- {gitlab}: {{" in drift.stdout and f"+ {added}: {{" in drift.stdout
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert project.outputs()["notAvailable"] == ["github-main"]
