"""The README's IAM policy: the actions a user grants the provider and the CLI, and no more."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

__all__ = ["README", "readme_iam_actions"]

README = Path(__file__).resolve().parents[2] / "README.md"


@functools.cache
def readme_iam_actions() -> frozenset[str]:
    """The actions of the JSON policy under "## IAM permissions" in README.md."""
    text = README.read_text()
    section = text.split("\n## IAM permissions", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert block, "no JSON policy under ## IAM permissions"
    policy = json.loads(block[1])
    actions: set[str] = set()
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions |= {listed} if isinstance(listed, str) else set(listed)
    return frozenset(actions)
