"""Run the CLI as pipelines do: a real process (``python -m pulumi_codestar_connections``)
against the emulator."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]

T = TypeVar("T")

# Marker values: if any of them shows up in the CLI's output, a credential leaked.
PLANTED = {
    "AWS_ACCESS_KEY_ID": "AKIAPLANTEDCLIKEY0001",
    "AWS_SECRET_ACCESS_KEY": "planted-cli-secret-access-key-0001",
    "AWS_SESSION_TOKEN": "planted-cli-session-token-0001",
}


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


class Cli:
    """``codestar-connection`` (``python -m pulumi_codestar_connections``) in ``env``."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "pulumi_codestar_connections", *args]

    def environment(self, extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """``env`` with ``extra`` applied; a None value removes the variable."""
        env = dict(self.env)
        for name, value in (extra or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        timeout: float = 60,
        env: Mapping[str, str | None] | None = None,
    ) -> Result:
        completed = subprocess.run(
            self.command(*args),
            cwd=ROOT,
            env=self.environment(env),
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def popen(
        self,
        *args: str,
        stdout: int = subprocess.PIPE,
        stderr: int = subprocess.PIPE,
        env: Mapping[str, str | None] | None = None,
    ) -> subprocess.Popen[str]:
        """Started, not awaited; ``stdout``/``stderr`` may be a file descriptor (a pty)."""
        return subprocess.Popen(
            self.command(*args),
            cwd=ROOT,
            env=self.environment(env),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            text=True,
        )


@pytest.fixture
def cli(aws_env: dict[str, str]) -> Cli:
    """The CLI aimed at the (freshly reset) emulator, with dummy credentials and us-east-1."""
    env = dict(aws_env)
    # No user-level Python or AWS settings may change what the child process does.
    env.pop("PYTHONSTARTUP", None)
    env.pop("NO_COLOR", None)
    env.pop("AWS_REGION", None)
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return Cli(env)


def concurrently(*runs: Callable[[], T]) -> list[T]:
    """Run independent CLI invocations side by side: each spends most of a second starting."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda run: run(), runs))


def assert_usage_error(result: Result, *, mentions: str) -> None:
    """Exit 2 with exactly one line on stderr naming the problem, and no traceback."""
    assert result.exit_code == 2, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr.startswith("codestar-connection: error: ")
    assert mentions in result.stderr
    assert result.stdout == ""


def read_terminal(leader: int) -> str:
    """Everything written to the pseudo-terminal whose leader side is ``leader`` so far."""
    received = b""
    while select.select([leader], [], [], 0.2)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # Linux: EIO once the follower side is closed and drained
            break
        if not chunk:
            break
        received += chunk
    return received.decode()
