"""Faults a test arranges in advance: errors, delays and dropped connections per operation.

A fault may strike only a share of the requests it matches (``probability``, drawn from its own
random generator, seeded when the test wants the same draws every run): "throttle 20 % of every
call" is one fault with count FOREVER and probability 0.2. Or it may strike only the requests
over a rate (``rate_per_second``): a token bucket of that many requests a second, as AWS
throttles an account's calls to an API; a request that finds a token passes untouched.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

__all__ = ["FOREVER", "Fault", "FaultInjector"]

FOREVER = -1
"""A ``count`` that never runs out."""
# The rate buckets' clock (a test replaces it).
_clock = time.monotonic


@dataclass
class Fault:
    operation: str
    """An operation name (of any service), or ``*`` for every operation."""
    error_code: str | None = None
    http_status: int | None = None
    message: str | None = None
    count: int = 1
    """How many more requests this fault applies to; FOREVER for all of them."""
    latency_ms: int = 0
    reset_connection: bool = False
    probability: float | None = None
    """The chance (0..1) that a matching request is struck; None: every one is."""
    seed: int | None = None
    """Seeds the draws, so a run sees the same sequence of strikes and misses."""
    rate_per_second: float | None = None
    """Strike only the requests over this rate (a bucket of as many tokens, refilled at it)."""
    _random: random.Random | None = field(default=None, repr=False, compare=False)
    _bucket: list[float] = field(default_factory=list, repr=False, compare=False)
    """[tokens, when last refilled] of a rate fault (a copy gets its own)."""

    def __post_init__(self) -> None:
        if self.probability is not None and self._random is None:
            self._random = random.Random(self.seed)
        if self.rate_per_second is not None and not self._bucket:
            self._bucket.extend((self._capacity, _clock()))

    @property
    def _capacity(self) -> float:
        return max(1.0, self.rate_per_second or 0.0)

    def matches(self, operation: str) -> bool:
        return self.operation in ("*", operation)

    def strikes(self) -> bool:
        """Draw for one matching request (the caller holds the injector's lock)."""
        if self.rate_per_second is not None:
            tokens, last = self._bucket
            now = _clock()
            tokens = min(self._capacity, tokens + (now - last) * self.rate_per_second)
            spared = tokens >= 1
            self._bucket[:] = (tokens - 1 if spared else tokens, now)
            return not spared
        if self.probability is None or self._random is None:
            return True
        return self._random.random() < self.probability

    def to_json(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "Operation": self.operation,
            "ErrorCode": self.error_code,
            "HttpStatus": self.http_status,
            "Message": self.message,
            "Count": self.count,
            "LatencyMs": self.latency_ms,
            "ResetConnection": self.reset_connection,
        }
        if self.probability is not None:
            shown["Probability"] = self.probability
            shown["Seed"] = self.seed
        if self.rate_per_second is not None:
            shown["RatePerSecond"] = self.rate_per_second
        return shown

    def copy(self) -> Fault:
        """A snapshot for callers outside the lock (sharing the generator is harmless)."""
        return Fault(
            operation=self.operation,
            error_code=self.error_code,
            http_status=self.http_status,
            message=self.message,
            count=self.count,
            latency_ms=self.latency_ms,
            reset_connection=self.reset_connection,
            probability=self.probability,
            seed=self.seed,
            rate_per_second=self.rate_per_second,
            _random=self._random,
            _bucket=list(self._bucket),
        )


class FaultInjector:
    """The armed faults, consulted once per AWS request; the oldest striking fault wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def armed(self) -> list[Fault]:
        with self._lock:
            return [fault.copy() for fault in self._faults]

    def take(self, operation: str) -> Fault | None:
        """The fault for this request, if any, counting the request against it.

        A fault whose draw misses is passed over as if it did not match (and keeps its count).
        """
        if not self._faults:
            # The common case (no faults at all) takes no lock.
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(operation) and fault.strikes():
                    if fault.count != FOREVER:
                        fault.count -= 1
                        if fault.count == 0:
                            self._faults.remove(fault)
                    return fault.copy()
        return None
