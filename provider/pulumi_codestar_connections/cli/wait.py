"""``wait``: poll a connection until its status is one of the wanted ones, or time runs out.

Polls back off exponentially from ``--interval`` up to a cap, with jitter so that many
pipelines started together (one per service of a monorepo) do not poll in lock-step. Progress
goes to stderr: one line rewritten in place on a terminal, timestamped lines in CI logs.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol, TextIO

from pulumi_codestar_connections.core.errors import (
    AwsLookupError,
    ConnectionAccessDenied,
    ConnectionNotFound,
    CredentialsNotFound,
)
from pulumi_codestar_connections.core.records import ConnectionRecord

__all__ = [
    "Backoff",
    "LogProgress",
    "Progress",
    "TerminalProgress",
    "WaitOutcome",
    "describe_statuses",
    "wait_for",
]

DEFAULT_MAX_INTERVAL = 30.0


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays ``start · factor^n`` capped at ``cap``, each shortened by a random 0..``jitter``.

    Jitter only ever shortens a delay, so the cap holds and delays at the cap still differ.
    """

    start: float
    cap: float = DEFAULT_MAX_INTERVAL
    factor: float = 2.0
    jitter: float = 0.2

    def delay(self, poll_number: int, rng: random.Random) -> float:
        # A start above the cap is what the caller asked for: the cap never shortens it.
        cap = max(self.cap, self.start)
        base = min(cap, self.start * self.factor ** min(poll_number, 64))
        return base * rng.uniform(1 - self.jitter, 1.0)


@dataclass(frozen=True, slots=True)
class WaitOutcome:
    matched: bool
    elapsed: float
    record: ConnectionRecord | None
    """The last record read (None if no poll succeeded)."""
    last_error: AwsLookupError | None
    """The error of the last poll, when it failed (only transient errors end up here)."""


class Progress(Protocol):
    def polled(
        self,
        *,
        subject: str,
        status: str | None,
        error: str | None,
        elapsed: float,
        next_in: float | None,
    ) -> None: ...

    def finished(self) -> None: ...


def describe_statuses(statuses: Collection[str]) -> str:
    return " or ".join(sorted(statuses))


def wait_for(
    poll: Callable[[], ConnectionRecord],
    wanted: Collection[str],
    *,
    subject: str,
    timeout: float,
    backoff: Backoff,
    progress: Progress,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> WaitOutcome:
    """Poll until the status is in ``wanted`` or ``timeout`` seconds have passed.

    A poll in flight at the deadline finishes (so the last answer counts). Errors that may pass
    (throttling after botocore's retries, an unreachable endpoint, 5xx) are shown and polled
    through; the connection missing, access denied and bad credentials end the wait at once.
    """
    rng = rng or random.Random()
    started = clock()
    record: ConnectionRecord | None = None
    poll_number = 0
    try:
        while True:
            error: AwsLookupError | None = None
            try:
                record = poll()
            except AwsLookupError as failure:
                if _is_final(failure):
                    raise
                error = failure
            elapsed = clock() - started
            matched = error is None and record is not None and record.connection_status in wanted
            remaining = timeout - elapsed
            next_in = None if matched or remaining <= 0 else backoff.delay(poll_number, rng)
            if next_in is not None:
                next_in = min(next_in, remaining)
            progress.polled(
                subject=record.connection_name if record else subject,
                status=record.connection_status if record else None,
                error=None if error is None else error.code,
                elapsed=elapsed,
                next_in=next_in,
            )
            if next_in is None:
                return WaitOutcome(matched, elapsed, record, error)
            sleep(next_in)
            poll_number += 1
    finally:
        progress.finished()


def _is_final(error: AwsLookupError) -> bool:
    # Waiting longer cannot fix these; a throttle or a network blip can pass.
    return isinstance(error, ConnectionNotFound | ConnectionAccessDenied | CredentialsNotFound) or (
        error.code == "ValidationException"
    )


def _line(
    *,
    subject: str,
    wanted: str,
    status: str | None,
    error: str | None,
    elapsed: float,
    next_in: float | None,
) -> str:
    now = f"{status}" if error is None else f"{error} (still trying; last status {status or '?'})"
    line = f"waiting for {subject} to be {wanted}: {now} after {_seconds(elapsed)}"
    if next_in is not None:
        line += f", next check in {_seconds(next_in)}"
    return line


def _seconds(value: float) -> str:
    # Tenths matter for the short intervals of tests and quick checks, not for minutes.
    return f"{value:.1f}s" if value < 10 else f"{value:.0f}s"


class TerminalProgress:
    """One line on a terminal, rewritten after every poll."""

    def __init__(self, stream: TextIO, wanted: Collection[str]) -> None:
        self._stream = stream
        self._wanted = describe_statuses(wanted)
        self._written = False

    def polled(
        self,
        *,
        subject: str,
        status: str | None,
        error: str | None,
        elapsed: float,
        next_in: float | None,
    ) -> None:
        line = _line(
            subject=subject,
            wanted=self._wanted,
            status=status,
            error=error,
            elapsed=elapsed,
            next_in=next_in,
        )
        # A line longer than the terminal wraps, and \r would then rewrite only its last row.
        width = max(20, shutil.get_terminal_size().columns - 1)
        if len(line) > width:
            line = line[: width - 1] + "…"
        self._stream.write(f"\r\x1b[K{line}")
        self._stream.flush()
        self._written = True

    def finished(self) -> None:
        if self._written:
            self._stream.write("\n")
            self._stream.flush()


class LogProgress:
    """A UTC-timestamped line per poll, for CI logs (no control characters)."""

    def __init__(self, stream: TextIO, wanted: Collection[str]) -> None:
        self._stream = stream
        self._wanted = describe_statuses(wanted)

    def polled(
        self,
        *,
        subject: str,
        status: str | None,
        error: str | None,
        elapsed: float,
        next_in: float | None,
    ) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        line = _line(
            subject=subject,
            wanted=self._wanted,
            status=status,
            error=error,
            elapsed=elapsed,
            next_in=next_in,
        )
        self._stream.write(f"{stamp} {line}\n")
        self._stream.flush()

    def finished(self) -> None:
        return None
