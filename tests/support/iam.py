"""The README's IAM policy: the actions a user grants the provider and the CLI, and no more."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

__all__ = ["README", "readme_iam_actions", "readme_iam_policies"]

README = Path(__file__).resolve().parents[2] / "README.md"


@functools.cache
def readme_iam_policies() -> tuple[frozenset[str], ...]:
    """The actions of each JSON policy under "## IAM permissions" in README.md, in order: the
    lookups', then the inventory's (where it runs, then the member accounts' role)."""
    text = README.read_text()
    section = text.split("\n## IAM permissions", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert blocks, "no JSON policy under ## IAM permissions"
    policies = []
    for block in blocks:
        actions: set[str] = set()
        for statement in json.loads(block)["Statement"]:
            assert statement["Effect"] == "Allow"
            listed = statement["Action"]
            actions |= {listed} if isinstance(listed, str) else set(listed)
        policies.append(frozenset(actions))
    return tuple(policies)


def readme_iam_actions() -> frozenset[str]:
    """Every action any of the README's policies grants."""
    return frozenset().union(*readme_iam_policies())
