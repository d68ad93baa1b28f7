"""Fixtures for the examples: the mocks (the real engine's and the venvs' are tests/support/tools).

``with_pulumi_aws/`` imports pulumi-aws / pulumi-policy, which the repository's ``.venv`` must
not hold: there it is not collected, and ``test_with_pulumi_aws.py`` runs it in the examples'
venv instead (the ``examples_python`` fixture). Under that venv it is collected directly.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.examples.mocks import ExampleMocks

PULUMI_AWS_INSTALLED = importlib.util.find_spec("pulumi_aws") is not None
collect_ignore: list[str] = [] if PULUMI_AWS_INSTALLED else ["with_pulumi_aws"]


@pytest.fixture
def mocks(aws_env: dict[str, str]) -> ExampleMocks:
    """Mocks whose Connection lookups reach the emulator (``aws_env``) with test credentials."""
    return ExampleMocks()
