"""The project's Pulumi program in a scratch directory, run by the real CLI, fully offline.

A copy keeps runs away from the work tree: ``pulumi stack init`` writes ``Pulumi.<stack>.yaml``
next to ``Pulumi.yaml``, and the file backend, PULUMI_HOME and secrets stay in the scratch dir.
The copy links the repository's ``.venv`` (Pulumi.yaml names ``virtualenv: .venv``), which holds
no package with a plugin binary (pulumi-aws stays out of it), so the engine needs no download.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .pulumi_cli import PulumiCLI

__all__ = ["PROGRAM_FILES", "REPO_ROOT", "ProgramSandbox", "PulumiFailed", "run_pulumi"]

REPO_ROOT = Path(__file__).resolve().parents[1]
PROGRAM_FILES = ("Pulumi.yaml", "__main__.py")
_TIMEOUT_SECONDS = 600


class PulumiFailed(Exception):
    """A pulumi command exited non-zero where success was required."""

    def __init__(
        self, args: list[str], completed: subprocess.CompletedProcess[str], directory: Path
    ) -> None:
        super().__init__(
            f"`pulumi {' '.join(args)}` in {directory.name} exited with {completed.returncode}\n"
            f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
        )
        self.completed = completed


def run_pulumi(
    cli: PulumiCLI,
    directory: Path,
    env: Mapping[str, str],
    args: Sequence[str],
    *,
    check: bool = True,
    timeout: float = _TIMEOUT_SECONDS,
) -> subprocess.CompletedProcess[str]:
    """``pulumi ARGS`` non-interactively in ``directory``; ``check``: PulumiFailed if it fails."""
    argv = [*args, "--non-interactive"] if args and args[0] != "version" else [*args]
    completed = subprocess.run(
        [str(cli.executable), *argv],
        cwd=directory,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and completed.returncode != 0:
        raise PulumiFailed(argv, completed, directory)
    return completed


class ProgramSandbox:
    """A copy of the program (or a given ``__main__.py``) and a way to run pulumi on it."""

    def __init__(
        self,
        directory: Path,
        *,
        cli: PulumiCLI,
        env: Mapping[str, str],
        main_source: str | None = None,
    ) -> None:
        self.directory = directory
        self.cli = cli
        self.env = dict(env)
        directory.mkdir(parents=True, exist_ok=True)
        for name in PROGRAM_FILES:
            source = REPO_ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source, directory / name, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(source, directory / name)
        if main_source is not None:
            (directory / "__main__.py").write_text(main_source)
        (directory / ".venv").symlink_to(REPO_ROOT / ".venv")

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS`` non-interactively in the sandbox."""
        return run_pulumi(self.cli, self.directory, self.env, args, check=check)

    def init_stack(self, name: str, config: Mapping[str, str]) -> None:
        self.pulumi("stack", "init", name)
        for key, value in config.items():
            self.pulumi("config", "set", key, value)

    def stack_outputs(self) -> dict[str, Any]:
        outputs: dict[str, Any] = json.loads(self.pulumi("stack", "output", "--json").stdout)
        return outputs

    def stack_export(self) -> dict[str, Any]:
        exported: dict[str, Any] = json.loads(self.pulumi("stack", "export").stdout)
        return exported

    def resources(self, type_suffix: str = "Connection") -> list[dict[str, Any]]:
        """The resources in state whose type ends with ``type_suffix``."""
        deployment = self.stack_export()["deployment"]
        return [r for r in deployment.get("resources", []) if r["type"].endswith(type_suffix)]
