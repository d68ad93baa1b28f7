"""The generated SDKs in sdk/ are what the plugin's schema generates, and versions agree."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from devkit.tools import requirement_lines, requirements_by_name
from pulumi_codestar_connections import __version__
from pulumi_codestar_connections.plugin.schema import schema

REPO_ROOT = Path(__file__).resolve().parents[2]
SDK = REPO_ROOT / "sdk"


# The first run builds the generator from Go modules (one to two minutes with a cold build cache).
@pytest.mark.timeout(900)
def test_the_committed_sdks_are_what_the_schema_generates() -> None:
    completed = subprocess.run(
        [str(REPO_ROOT / "scripts" / "gen-sdk"), "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_committed_schema_is_the_plugins() -> None:
    assert json.loads((SDK / "schema.json").read_text()) == schema()


def test_the_plugin_folder_and_every_sdk_carry_the_package_version() -> None:
    plugin = REPO_ROOT / "provider" / "cmd" / "pulumi-resource-codestar"

    assert requirement_lines(plugin / "requirements.txt") == (
        f"pulumi-codestar-connections=={__version__}",
        requirements_by_name(REPO_ROOT / "requirements.txt")["pulumi"],  # the tested SDK
    )
    assert json.loads((SDK / "nodejs" / "package.json").read_text())["version"] == __version__
    assert f'version = "{__version__}"' in (SDK / "python" / "pyproject.toml").read_text()
    assert schema()["version"] == __version__


def test_the_plugin_examples_name_this_version_of_each_sdk() -> None:
    examples = REPO_ROOT / "examples" / "plugin"
    package = json.loads((examples / "typescript" / "package.json").read_text())

    assert f"pulumi-codestar=={__version__}" in requirement_lines(
        examples / "python" / "requirements.txt"
    )
    assert package["dependencies"]["@pulumi-codestar-connections/codestar"] == __version__
    assert f"/sdk v{__version__}\n" in (examples / "go" / "go.mod").read_text()


# Compiles the Go SDK and github.com/pulumi/pulumi/sdk/v3 (minutes with a cold build cache).
@pytest.mark.timeout(900)
def test_the_go_sdk_passes_go_vet() -> None:
    completed = subprocess.run(
        ["go", "vet", "./..."],
        cwd=SDK,
        env={**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "auto"},
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
