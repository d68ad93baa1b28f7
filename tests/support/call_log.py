"""Reading the emulator's call log: whose call it was, and whether it could change anything.

The provider and the CLI append ``pulumi-codestar-connections/<version>`` to botocore's user
agent; the fixtures' own boto3 clients append ``emulator-fixture``. That is how a test tells the
calls under test from the scene-setting around them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from emulator.client import EmulatorClient
from tests.support.iam import readme_iam_actions

__all__ = [
    "MUTATING_PREFIXES",
    "PROVIDER_AGENT",
    "PROVIDER_OPERATIONS",
    "is_mutating",
    "is_provider_call",
    "mutating_provider_calls",
    "provider_calls",
    "unlisted_provider_actions",
]

PROVIDER_AGENT = "pulumi-codestar-connections/"
# Every operation of both APIs that writes starts with one of these.
MUTATING_PREFIXES = ("Create", "Delete", "Update", "Tag", "Untag")
# Every operation the provider and the CLI made this session, as "service:Operation" (shown in
# the terminal summary; what an IAM policy for them must allow).
PROVIDER_OPERATIONS = pytest.StashKey[Counter[str]]()


def is_provider_call(call: Mapping[str, Any]) -> bool:
    """Made by the provider or the CLI (not by a fixture, not by a hand-made request)."""
    return PROVIDER_AGENT in (call.get("UserAgent") or "")


def is_mutating(call: Mapping[str, Any]) -> bool:
    return str(call.get("Operation") or "").startswith(MUTATING_PREFIXES)


def provider_calls(emulator: EmulatorClient, operation: str | None = None) -> list[dict[str, Any]]:
    """The provider's and the CLI's calls in the log, oldest first."""
    return [call for call in emulator.calls(operation) if is_provider_call(call)]


def mutating_provider_calls(calls: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The calls that break the read-only promise: a write made by the provider or the CLI."""
    return [call for call in calls if is_provider_call(call) and is_mutating(call)]


def unlisted_provider_actions(calls: Iterable[Mapping[str, Any]]) -> set[str]:
    """The provider's and the CLI's actions that the README's IAM policy does not grant."""
    used = {f"{call['Service']}:{call['Operation']}" for call in calls if is_provider_call(call)}
    return used - readme_iam_actions()
