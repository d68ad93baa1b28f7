"""Fixtures that run the real Pulumi CLI, fully offline.

`pulumi_cli` obtains the CLI through scripts/install-pulumi-cli (a no-op when .pulumi-bin is
complete; a cold build takes minutes, so CI should run the script as its own step first).
`pulumi_env` is the environment every engine test must use: a private PULUMI_HOME, a file
backend, a passphrase secrets provider, no update checks, no plugin downloads, and .pulumi-bin
first on PATH so that the engine finds our language host and the dynamic-provider launcher.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from devkit.sandbox import offline_env
from tests.support.required import unavailable

__all__ = ["REPO_ROOT", "PulumiCLI", "pulumi_cli", "pulumi_env"]

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = REPO_ROOT / "scripts" / "install-pulumi-cli"
# Long enough for a cold build of the CLI (about 10 minutes on two cores).
_INSTALL_TIMEOUT_SECONDS = 1800
_COMMAND_TIMEOUT_SECONDS = 240


@dataclass(frozen=True)
class PulumiCLI:
    """The installed CLI and a helper to run it."""

    bin_dir: Path

    @property
    def executable(self) -> Path:
        return self.bin_dir / "pulumi"

    def run(
        self,
        args: Sequence[str],
        cwd: Path,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run `pulumi *args` in `cwd`; with `check`, fail the test showing all output."""
        full_env = dict(os.environ if env is None else env)
        path = full_env.get("PATH", "")
        if path.split(os.pathsep)[0] != str(self.bin_dir):
            full_env["PATH"] = f"{self.bin_dir}{os.pathsep}{path}" if path else str(self.bin_dir)
        completed = subprocess.run(
            [str(self.executable), *args],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        if check and completed.returncode != 0:
            pytest.fail(
                f"`pulumi {' '.join(args)}` exited with {completed.returncode}\n"
                f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}",
                pytrace=False,
            )
        return completed


def _unavailable(reason: str) -> NoReturn:
    """Fail on CI (the engine tests must run there); skip loudly elsewhere."""
    unavailable("the Pulumi CLI", "ENGINE TESTS SKIPPED, Pulumi CLI unavailable", reason)


@pytest.fixture(scope="session")
def pulumi_cli() -> PulumiCLI:
    if not (REPO_ROOT / ".venv" / "bin" / "python").is_file():
        _unavailable(f"{REPO_ROOT / '.venv'} is missing; the language host shim runs from it")
    try:
        completed = subprocess.run(
            [str(INSTALL_SCRIPT)],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"{INSTALL_SCRIPT} could not run: {exc}")
    if completed.returncode != 0:
        _unavailable(
            f"{INSTALL_SCRIPT} exited with {completed.returncode}:\n{completed.stderr[-3000:]}"
        )
    lines = completed.stdout.strip().splitlines()
    bin_dir = Path(lines[-1]) if lines else REPO_ROOT / ".pulumi-bin"
    if not (bin_dir / "pulumi").is_file():
        _unavailable(f"{bin_dir / 'pulumi'} is missing after installation")
    return PulumiCLI(bin_dir=bin_dir)


@pytest.fixture
def pulumi_env(tmp_path: Path, pulumi_cli: PulumiCLI) -> dict[str, str]:
    """A hermetic, offline environment for one test (the demo uses the same one)."""
    return offline_env(tmp_path, pulumi_cli.bin_dir)
