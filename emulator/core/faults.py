"""Faults a test arranges in advance: errors, delays and dropped connections per operation."""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["FOREVER", "Fault", "FaultInjector"]

FOREVER = -1
"""A ``count`` that never runs out."""


@dataclass
class Fault:
    operation: str
    """An operation name, or ``*`` for every operation."""
    error_code: str | None = None
    http_status: int | None = None
    message: str | None = None
    count: int = 1
    """How many more requests this fault applies to; FOREVER for all of them."""
    latency_ms: int = 0
    reset_connection: bool = False

    def matches(self, operation: str) -> bool:
        return self.operation in ("*", operation)

    def to_json(self) -> dict[str, object]:
        return {
            "Operation": self.operation,
            "ErrorCode": self.error_code,
            "HttpStatus": self.http_status,
            "Message": self.message,
            "Count": self.count,
            "LatencyMs": self.latency_ms,
            "ResetConnection": self.reset_connection,
        }


class FaultInjector:
    """The armed faults, consulted once per AWS request; the oldest matching fault wins."""

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
            return [Fault(**vars(fault)) for fault in self._faults]

    def take(self, operation: str) -> Fault | None:
        """The fault for this request, if any, counting the request against it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(operation):
                    if fault.count != FOREVER:
                        fault.count -= 1
                        if fault.count == 0:
                            self._faults.remove(fault)
                    return Fault(**vars(fault))
        return None
