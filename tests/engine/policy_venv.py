"""A small cached virtualenv for running examples/policy on the engine: pulumi + pulumi-policy.

The pack's own requirements (examples/policy/requirements.txt) and nothing else: examples/.venv
would do too (our language host asks for no provider plugins whatever is installed), but it
holds pulumi-aws, which the pack must not need. The venv lives under
``${XDG_CACHE_HOME:-~/.cache}/codestar-pulumi/policy-venv/<hash>``, keyed by the requirements
and the Python version, so it is built once (about 35 s from pip's cache) and reused.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["POLICY_REQUIREMENTS", "PolicyVenvUnavailable", "ensure_policy_venv"]

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY_REQUIREMENTS = REPO_ROOT / "examples" / "policy" / "requirements.txt"
_PIP_TIMEOUT_SECONDS = 600


class PolicyVenvUnavailable(Exception):
    """The venv could not be built (no package index, a failed install, ...)."""


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codestar-pulumi" / "policy-venv"


def _digest() -> str:
    digest = hashlib.sha256(POLICY_REQUIREMENTS.read_bytes())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()[:16]


def _run(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    try:
        completed = subprocess.run(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_PIP_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PolicyVenvUnavailable(f"`{' '.join(args)}` could not run: {error}") from error
    if completed.returncode != 0:
        raise PolicyVenvUnavailable(
            f"`{' '.join(args)}` exited with {completed.returncode}:\n"
            f"{(completed.stdout + completed.stderr)[-3000:]}"
        )


def ensure_policy_venv() -> Path:
    """The venv's directory, building it first if this requirements hash has none yet."""
    root = _cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / _digest()
    done = venv / ".complete"
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)])
        _run(
            [
                str(venv / "bin" / "python"),
                *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                "--no-compile",
                *("-r", str(POLICY_REQUIREMENTS)),
            ]
        )
        done.write_text("")
    return venv
