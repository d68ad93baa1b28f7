"""Median and min-max of repeated measurements, and timing helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Spread", "per_call_seconds", "ratios", "seconds"]


@dataclass(frozen=True, slots=True)
class Spread:
    """The median and the range of one quantity over repeated runs."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("a spread needs at least one value")
        return cls(statistics.median(values), min(values), max(values), len(values))

    @classmethod
    def exact(cls, value: float) -> Spread:
        """A quantity that does not vary between runs (a count, a size)."""
        return cls(value, value, value, 1)

    def to_json(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high, "runs": self.runs}


def ratios(subject: Sequence[float], baseline: Sequence[float]) -> Spread:
    """subject[i] / baseline[i] for each run i: both were measured under the same conditions."""
    if len(subject) != len(baseline):
        raise ValueError("subject and baseline need the same number of runs")
    return Spread.of([s / b for s, b in zip(subject, baseline, strict=True)])


def seconds(action: Callable[[], object]) -> float:
    """Wall-clock seconds ``action`` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def per_call_seconds(action: Callable[[], object], calls: int) -> float:
    """The median wall-clock seconds of ``calls`` calls of ``action``, one after the other."""
    return statistics.median(seconds(action) for _ in range(calls))
