"""Parts some suites need (the Pulumi CLI, cached venvs): required on CI, skipped loudly elsewhere.

CI sets ``CI``; there a missing part must fail the run, never quietly skip what it guards.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["unavailable"]


def unavailable(what: str, skipped: str, reason: str) -> NoReturn:
    """Fail (on CI: ``<what> is required on CI: <reason>``) or skip (``<skipped>: <reason>``)."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required on CI: {reason}", pytrace=False)
    pytest.skip(f"{skipped}: {reason}")
