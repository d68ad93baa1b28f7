"""Fixtures for the examples: their virtualenv, the mocks, and the real engine.

``with_pulumi_aws/`` imports pulumi-aws / pulumi-policy, which the repository's ``.venv`` must
not hold: there it is not collected, and ``test_with_pulumi_aws.py`` runs it in
``examples/.venv`` instead. Under ``examples/.venv`` it is collected directly.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.engine.conftest import pulumi_cli  # noqa: F401  (the engine tests' fixture, shared)
from tests.examples.examples_venv import VenvUnavailable, ensure_examples_venv
from tests.examples.mocks import ExampleMocks
from tests.support.required import unavailable

PULUMI_AWS_INSTALLED = importlib.util.find_spec("pulumi_aws") is not None
collect_ignore: list[str] = [] if PULUMI_AWS_INSTALLED else ["with_pulumi_aws"]


@pytest.fixture(scope="session")
def examples_python() -> Path:
    """examples/.venv's interpreter (built on first use; fails on CI, skips elsewhere)."""
    try:
        return ensure_examples_venv()
    except VenvUnavailable as error:
        unavailable(
            "examples/.venv",
            "EXAMPLES WITH PULUMI-AWS SKIPPED, examples/.venv unavailable",
            str(error),
        )


@pytest.fixture
def mocks(aws_env: dict[str, str]) -> ExampleMocks:
    """Mocks whose Connection lookups reach the emulator (``aws_env``) with test credentials."""
    return ExampleMocks()
