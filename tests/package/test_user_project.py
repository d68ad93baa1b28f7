"""A user's own project, outside this repository, on the installed wheel and the real engine.

The project has a module of its own named ``provider`` (the name Pulumi's own repositories give
their provider code, and the import name this package once had): both must work side by side.
Nothing of the repository is on any path: no PYTHONPATH, the program's folder is a temporary
one, the venv holds the wheel and its dependencies only.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from devkit.pulumi_cli import PulumiCLI
from devkit.sandbox import run_pulumi
from emulator.client import EmulatorClient
from tests.support.call_log import provider_calls
from tests.support.engine import engine_env

from .conftest import REPO_ROOT

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi

import provider  # the project's own module, not ours
from pulumi_codestar_connections import Connection

source = Connection("source", connection_arn=pulumi.Config().require("connectionArn"))
pulumi.export("connectionStatus", source.connection_status)
pulumi.export("connectionName", source.connection_name)
pulumi.export("ownModule", provider.DESCRIPTION)
"""


def user_project(directory: Path, venv: Path) -> Path:
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text(
        textwrap.dedent(
            f"""\
            name: users-pipeline
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {venv}
            """
        )
    )
    (directory / "__main__.py").write_text(PROGRAM)
    (directory / "provider.py").write_text('DESCRIPTION = "the project\'s own provider module"\n')
    (directory / "requirements.txt").write_text("pulumi-codestar-connections\n")
    return directory


def test_a_users_project_uses_the_installed_package_on_the_engine(
    tmp_path: Path, user_venv: Path, pulumi_cli: PulumiCLI, emulator: EmulatorClient
) -> None:
    project = user_project(tmp_path / "project", user_venv)
    assert REPO_ROOT not in project.parents
    env = engine_env(pulumi_cli, tmp_path / "scratch", emulator.url, venv=user_venv)
    assert "PYTHONPATH" not in env
    # As a user runs it: the engine may fetch plugins. It must find none to fetch (the package
    # is named pulumi-*, which Pulumi's hosts take for a provider SDK unless it says otherwise).
    del env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"]

    def pulumi(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_pulumi(pulumi_cli, project, env, args, check=check)

    arn = emulator.create_connection("users-github", provider_type="GitHub")
    pulumi("stack", "init", "dev")
    pulumi("config", "set", "connectionArn", arn)

    up = pulumi("up", "--yes")
    outputs = json.loads(pulumi("stack", "output", "--json").stdout)
    emulator.set_status(arn, "ERROR")
    drift = pulumi("preview", "--expect-no-changes", "--diff", check=False)
    emulator.clear_calls()
    pulumi("destroy", "--yes")

    assert outputs == {
        "connectionStatus": "AVAILABLE",
        "connectionName": "users-github",
        "ownModule": "the project's own provider module",
    }
    assert "plugin" not in up.stdout + up.stderr, up.stdout + up.stderr
    assert drift.returncode != 0
    assert 'connectionStatus: "AVAILABLE" => "ERROR"' in drift.stdout
    assert provider_calls(emulator) == []  # destroy: no AWS call
    assert emulator.boto3_client().get_connection(ConnectionArn=arn)["Connection"]


def test_the_installed_cli_works_from_the_users_venv(
    tmp_path: Path, user_venv: Path, emulator: EmulatorClient, aws_env: dict[str, str]
) -> None:
    arn = emulator.create_connection("users-gitlab", provider_type="GitLab", status="PENDING")

    check = subprocess.run(
        [str(user_venv / "bin" / "codestar-connection"), "check", arn, "--status", "AVAILABLE"],
        cwd=tmp_path,
        env={k: v for k, v in aws_env.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert check.returncode == 4, check.stderr  # status not as required
    assert json.loads(check.stdout)["Connection"]["ConnectionStatus"] == "PENDING"
