"""An example project on the real Pulumi engine, in a scratch copy, fully offline.

The copy keeps ``Pulumi.<stack>.yaml`` out of the work tree. Its ``venv`` (the examples'
Pulumi.yaml names ``virtualenv: venv``) links the repository's ``.venv``, which holds the
package (installed from this checkout, as the examples' README tells a reader to) and no
package with a plugin binary.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from devkit.pulumi_cli import PulumiCLI
from devkit.sandbox import run_pulumi
from emulator.client import EmulatorClient
from tests.support.engine import engine_env

__all__ = ["ExampleProject", "example_env"]

REPO_ROOT = Path(__file__).resolve().parents[2]
_TIMEOUT_SECONDS = 300


def example_env(
    scratch: Path, cli: PulumiCLI, emulator: EmulatorClient, **aws: str
) -> dict[str, str]:
    """Offline Pulumi settings and AWS aimed at the emulator.

    ``aws`` overrides the AWS_* variables (credentials, AWS_ENDPOINT_URL_STS, …).
    """
    return engine_env(cli, scratch, emulator.url, aws=aws)


class ExampleProject:
    """A copy of ``source`` (an example's project folder) and ``pulumi`` run in it."""

    def __init__(
        self, source: Path, directory: Path, *, cli: PulumiCLI, env: Mapping[str, str]
    ) -> None:
        self.directory = directory
        self.cli = cli
        self.env = dict(env)
        shutil.copytree(
            source, directory, ignore=shutil.ignore_patterns("__pycache__", "venv", "Pulumi.*.yaml")
        )
        (directory / "venv").symlink_to(REPO_ROOT / ".venv")

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_pulumi(
            self.cli, self.directory, self.env, args, check=check, timeout=_TIMEOUT_SECONDS
        )

    def init_stack(self, name: str, config: Mapping[str, str]) -> None:
        """``pulumi stack init``, then ``pulumi config set --path KEY VALUE`` for each entry."""
        self.pulumi("stack", "init", name)
        for key, value in config.items():
            self.pulumi("config", "set", "--path", key, value)

    def outputs(self) -> dict[str, Any]:
        outputs: dict[str, Any] = json.loads(self.pulumi("stack", "output", "--json").stdout)
        return outputs
