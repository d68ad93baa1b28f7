"""Median and min-max of repeated measurements, and timing helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "BURST",
    "Spread",
    "interleaved_medians",
    "per_call_seconds",
    "ratios",
    "seconds",
    "warm",
]


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


# Calls per burst in interleaved_medians.
BURST = 5


def warm(actions: Sequence[tuple[str, Callable[[], object]]], times: int = 3) -> None:
    """Run each action a few times first: clients, connection pools and caches are made."""
    for _, action in actions:
        for _ in range(times):
            action()


def interleaved_medians(
    actions: Sequence[tuple[str, Callable[[], object]]], calls: int
) -> dict[str, float]:
    """The median seconds of one call of each action, over about ``calls`` calls each.

    Short bursts of back-to-back calls (steady state), cycled through the actions, so that a
    load spike from elsewhere on the machine falls on every side alike.
    """
    samples: dict[str, list[float]] = {name: [] for name, _ in actions}
    for _ in range(max(1, calls // BURST)):
        for name, action in actions:
            samples[name] += [seconds(action) for _ in range(BURST)]
    return {name: statistics.median(times) for name, times in samples.items()}
