"""Hypothesis profiles and a stopwatch, for the reliability suite.

Hypothesis profiles (``HYPOTHESIS_PROFILE``, default ``ci``):

    ci     500 examples per property: the CI run
    deep   10,000 examples per property: ``HYPOTHESIS_PROFILE=deep .venv/bin/pytest
           tests/reliability -k property`` (see the README's Reliability section)

Properties that start processes (the gRPC host, the CLI) pin their own, small example count.
"""

from __future__ import annotations

import os
import time
from typing import Any

from hypothesis import HealthCheck, settings

__all__ = ["Stopwatch"]

# Example generation and shrinking share two cores with other work: no deadlines, no
# too-slow verdicts, only counts.
_SHARED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=500, **_SHARED)  # type: ignore[arg-type]
settings.register_profile("deep", max_examples=10_000, **_SHARED)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class Stopwatch:
    """Wall-clock seconds of a block: ``with Stopwatch() as took: ...; took.seconds``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.monotonic()
        return self

    def __exit__(self, *_: Any) -> None:
        self.seconds = time.monotonic() - self._started
