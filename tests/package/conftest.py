"""The package as users get it: the wheel and sdist ``python -m build`` makes, and a virtualenv
of a user's own, outside this repository, with only that wheel (and its dependencies) in it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from devkit.tools import ToolUnavailable, run_step
from tests.support.required import unavailable

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Distribution:
    """What ``python -m build`` made: the sdist, and the wheel it built from that sdist."""

    wheel: Path
    sdist: Path


@pytest.fixture(scope="session")
def distribution(tmp_path_factory: pytest.TempPathFactory) -> Distribution:
    # Without --sdist/--wheel, build makes the sdist and then the wheel *from the sdist*: the
    # wheel exists only if the sdist can rebuild it.
    out = tmp_path_factory.mktemp("dist")
    completed = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO_ROOT)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"python -m build failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
        )
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return Distribution(wheel, sdist)


@pytest.fixture(scope="session")
def user_venv(tmp_path_factory: pytest.TempPathFactory, distribution: Distribution) -> Path:
    """A fresh venv outside the repository holding the wheel, as ``pip install`` makes it.

    Pinned to the Pulumi SDK of this repository's CLI, as a user's project pins its SDK.
    """
    venv = tmp_path_factory.mktemp("user") / "venv"
    pulumi = next(
        line.strip()
        for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
        if line.startswith("pulumi==")
    )
    python = str(venv / "bin" / "python")
    try:
        run_step([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)])
        run_step(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                str(distribution.wheel),
                pulumi,
            ]
        )
    except ToolUnavailable as error:
        unavailable(
            "a venv with the wheel", "SKIPPED, the wheel could not be installed", str(error)
        )
    return venv
