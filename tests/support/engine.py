"""Programs on the real Pulumi engine, offline, with AWS aimed at an emulator.

Every engine test builds its environment here, so that each runs the same way under either
language host (``pulumi_cli`` is parametrized over both; devkit/pulumi_cli.py says how they
differ).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from devkit.awsenv import emulator_env
from devkit.pulumi_cli import REPO_VENV, PulumiCLI
from devkit.sandbox import REPO_ROOT, ProgramSandbox

__all__ = ["POLICY_DIR", "copy_policy_pack", "engine_env", "program_sandbox"]

POLICY_DIR = REPO_ROOT / "examples" / "policy"


def engine_env(
    cli: PulumiCLI,
    scratch: Path,
    endpoint_url: str,
    *,
    venv: Path = REPO_VENV,
    aws: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Offline Pulumi settings in ``scratch``; AWS aimed at ``endpoint_url``.

    ``aws`` overrides AWS_* variables (credentials, AWS_ENDPOINT_URL_STS, …); ``venv`` is the
    program's virtualenv (first on PATH under Pulumi's host).
    """
    base = emulator_env(endpoint_url, scratch, aws=aws)
    return cli.environment(scratch, venv=venv, base=base)


def program_sandbox(
    directory: Path,
    cli: PulumiCLI,
    endpoint_url: str,
    *,
    main_source: str | None = None,
    aws: Mapping[str, str] | None = None,
) -> ProgramSandbox:
    """The project's program (or ``main_source``) copied to ``directory``/project."""
    env = engine_env(cli, directory / "scratch", endpoint_url, aws=aws)
    return ProgramSandbox(directory / "project", cli=cli, env=env, main_source=main_source)


def copy_policy_pack(directory: Path, policy_python: Path) -> Path:
    """examples/policy as it would be used: its files plus the `venv` PulumiPolicy.yaml names."""
    pack = directory / "policy"
    shutil.copytree(
        POLICY_DIR, pack, ignore=shutil.ignore_patterns("__pycache__", "venv", "README.md")
    )
    (pack / "venv").symlink_to(policy_python.parents[1])
    return pack
