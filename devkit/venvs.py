"""Cached virtualenvs for tools that must stay out of .venv (the AWS CLI, pulumi-aws, packs).

The AWS CLI pins its own botocore and pulumi-aws carries a plugin the engine would demand a
binary for, so each lives in a venv of its own under
``${XDG_CACHE_HOME:-~/.cache}/codestar-pulumi/<name>-<hash>``, keyed by its requirements and the
Python version: different pins coexist instead of rebuilding each other. Builds are locked
(parallel runs share the cache) and the completion marker is written last, so an interrupted
build is redone.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["AWSCLI_REQUIREMENT", "VenvUnavailable", "cache_root", "cached_venv", "run_step"]

# One pin for every use of the AWS CLI (the CLI's parity test and the benchmarks).
AWSCLI_REQUIREMENT = "awscli==1.46.3"
_STEP_TIMEOUT_SECONDS = 600
_MARKER = ".complete"


class VenvUnavailable(Exception):
    """A virtualenv could not be built; the message holds the failing command's output."""


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codestar-pulumi"


def run_step(args: Sequence[str]) -> None:
    """Run one build step (venv, pip) away from the caller's PYTHONPATH / VIRTUAL_ENV."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    try:
        completed = subprocess.run(
            list(args),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_STEP_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VenvUnavailable(f"`{' '.join(args)}` could not run: {error}") from error
    if completed.returncode != 0:
        raise VenvUnavailable(
            f"`{' '.join(args)}` exited with {completed.returncode}:\n"
            f"{(completed.stdout + completed.stderr)[-3000:]}"
        )


def cached_venv(name: str, requirements: Sequence[str], *, install: bool = True) -> Path | None:
    """The venv holding ``requirements`` (pip arguments), built if missing and ``install``."""
    digest = hashlib.sha256("\n".join(requirements).encode())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    root = cache_root()
    venv = root / f"{name}-{digest.hexdigest()[:16]}"
    if (venv / _MARKER).is_file():
        return venv
    if not install:
        return None
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / _MARKER).is_file():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        # The interpreter .venv was made from, so the tool venv does not depend on .venv.
        run_step([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)])
        pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
        run_step([*pip, "install", "--quiet", "--no-compile", *requirements])
        (venv / _MARKER).write_text("\n".join(requirements))
    return venv
