"""``examples/.venv``: the examples' own virtualenv, with pulumi-aws and pulumi-policy.

pulumi-aws must stay out of the repository's ``.venv`` (the engine would demand its plugin
binary for every program run there), so the examples that need it run under the mocks in this
second virtualenv, with the test runner from requirements-dev.txt. It is built once and rebuilt
only when the requirements change (a stamp holds their hash); pip's wheel cache keeps rebuilds
short, and ``--no-compile`` skips byte-compiling pulumi-aws's ~270 MB of sources up front.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devkit.venvs import VenvUnavailable, run_step

__all__ = ["EXAMPLES_VENV", "VenvUnavailable", "ensure_examples_venv", "requirements_digest"]

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_VENV = REPO_ROOT / "examples" / ".venv"
REQUIREMENTS = REPO_ROOT / "examples" / "requirements.txt"
DEV_REQUIREMENTS = REPO_ROOT / "requirements-dev.txt"
# What the examples' tests need beyond the examples themselves, pinned as in requirements-dev.
RUNNER_PACKAGES = ("pytest", "pytest-timeout")
STAMP = ".requirements.sha256"


def runner_pins() -> list[str]:
    pins = []
    for line in DEV_REQUIREMENTS.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==\S+", line.split("#")[0].strip())
        if match and match.group(1).lower() in RUNNER_PACKAGES:
            pins.append(match.group(0))
    if len(pins) != len(RUNNER_PACKAGES):
        raise VenvUnavailable(f"{DEV_REQUIREMENTS} does not pin all of {RUNNER_PACKAGES}")
    return pins


def requirements_digest() -> str:
    """What the venv was built from: the requirements files, the runner pins, the Python."""
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, REPO_ROOT / "requirements.txt"):
        digest.update(path.read_bytes())
    digest.update("\n".join(runner_pins()).encode())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()


@contextmanager
def _locked() -> Iterator[None]:
    """One builder at a time: parallel test runs share the work tree."""
    key = hashlib.sha256(str(EXAMPLES_VENV).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"codestar-examples-venv-{key}.lock"
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_examples_venv() -> Path:
    """The examples' Python interpreter, building examples/.venv first if it is stale."""
    python = EXAMPLES_VENV / "bin" / "python"
    stamp = EXAMPLES_VENV / STAMP
    want = requirements_digest()
    with _locked():
        if python.is_file() and stamp.is_file() and stamp.read_text().strip() == want:
            return python
        # Rebuilt from scratch rather than upgraded in place: no stale package survives.
        shutil.rmtree(EXAMPLES_VENV, ignore_errors=True)
        run_step([sys.executable, "-m", "venv", str(EXAMPLES_VENV)])
        run_step(
            [
                str(python),
                *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                "--no-compile",
                *("-r", str(REQUIREMENTS)),
                *runner_pins(),
            ]
        )
        stamp.write_text(want + "\n")
    return python
