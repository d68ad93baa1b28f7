"""The pulumi-aws / pulumi-policy examples' tests, run in the examples' venv by this run.

One subprocess per test file, so a failure names its example; the output of the inner pytest
is the failure message.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.examples.conftest import PULUMI_AWS_INSTALLED

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
TEST_FILES = sorted((HERE / "with_pulumi_aws").glob("test_*.py"))
_TIMEOUT_SECONDS = 600


@pytest.mark.cold_cache
@pytest.mark.skipif(PULUMI_AWS_INSTALLED, reason="collected directly in this virtualenv")
@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda path: path.stem)
def test_examples_pass_in_their_own_virtualenv(examples_python: Path, test_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    completed = subprocess.run(
        [
            str(examples_python),
            *("-m", "pytest", str(test_file.relative_to(REPO_ROOT))),
            *("-q", "--no-header", "-p", "no:cacheprovider"),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"{test_file.name} failed in the examples' venv (exit {completed.returncode}):\n"
            f"{completed.stdout[-6000:]}\n{completed.stderr[-3000:]}",
            pytrace=False,
        )
