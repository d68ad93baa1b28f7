"""The log of AWS-surface requests, so tests can assert what a client actually sent."""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass

__all__ = ["MAX_CALLS", "Call", "CallLog"]

# Enough for any test; bounded so a long demo run cannot grow the process without limit.
MAX_CALLS = 10_000


@dataclass
class Call:
    time: float
    user_agent: str | None = None
    operation: str | None = None
    service: str | None = None
    arn: str | None = None
    region: str | None = None
    account: str | None = None
    access_key_id: str | None = None
    """As CloudTrail records it: which credentials signed (never the secret)."""
    http_status: int | None = None
    """None when the connection was reset without a response."""
    error_code: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "Operation": self.operation,
            "Service": self.service,
            "Arn": self.arn,
            "Region": self.region,
            "Account": self.account,
            "AccessKeyId": self.access_key_id,
            "UserAgent": self.user_agent,
            "Time": self.time,
            "HttpStatus": self.http_status,
            "ErrorCode": self.error_code,
        }


class CallLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: collections.deque[Call] = collections.deque(maxlen=MAX_CALLS)

    def append(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def to_json(self) -> list[dict[str, object]]:
        with self._lock:
            return [call.to_json() for call in self._calls]
