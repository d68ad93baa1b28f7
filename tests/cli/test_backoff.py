"""The wait loop's schedule, in-process with a fake clock (the subprocess tests cover the rest)."""

from __future__ import annotations

import random

import pytest

from pulumi_codestar_connections.cli.wait import Backoff, WaitOutcome, wait_for
from pulumi_codestar_connections.core.errors import ConnectionNotFound, EndpointUnreachable
from pulumi_codestar_connections.core.records import ConnectionRecord

ARN = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"


def _record(status: str) -> ConnectionRecord:
    return ConnectionRecord(ARN, "github", "GitHub", "123456789012", status)


class _Silent:
    def polled(self, **_: object) -> None:
        return None

    def finished(self) -> None:
        return None


class _FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_backoff_doubles_from_the_interval_up_to_the_cap_with_jitter() -> None:
    backoff = Backoff(5, cap=30)
    rng = random.Random(7)

    delays = [backoff.delay(n, rng) for n in range(8)]

    for delay, base in zip(delays, [5, 10, 20, 30, 30, 30, 30, 30], strict=True):
        assert base * 0.8 <= delay <= base
    assert len(set(delays)) == len(delays)  # jittered: no two pipelines poll in lock-step


def test_an_interval_above_the_cap_is_kept() -> None:
    assert Backoff(60, cap=30).delay(3, random.Random(1)) >= 48


def _wait(
    answers: list[ConnectionRecord | Exception], timeout: float
) -> tuple[WaitOutcome, _FakeTime]:
    fake = _FakeTime()
    pending = list(answers)

    def poll() -> ConnectionRecord:
        answer = pending.pop(0) if len(pending) > 1 else pending[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    outcome = wait_for(
        poll,
        {"AVAILABLE"},
        subject=ARN,
        timeout=timeout,
        backoff=Backoff(1, cap=4),
        progress=_Silent(),
        clock=fake.clock,
        sleep=fake.sleep,
        rng=random.Random(3),
    )
    return outcome, fake


def test_wait_polls_through_transient_errors_until_the_status_is_wanted() -> None:
    unreachable = EndpointUnreachable("down", operation="GetConnection", code="ConnectTimeout")

    outcome, fake = _wait([_record("PENDING"), unreachable, _record("AVAILABLE")], timeout=60)

    assert outcome.matched
    assert outcome.record == _record("AVAILABLE")
    assert len(fake.sleeps) == 2


def test_wait_never_sleeps_past_the_deadline_and_polls_once_at_it() -> None:
    outcome, fake = _wait([_record("PENDING")], timeout=10)

    assert not outcome.matched
    assert sum(fake.sleeps) == pytest.approx(10)
    assert all(delay <= 4 for delay in fake.sleeps)
    assert outcome.elapsed == pytest.approx(10)


def test_wait_stops_at_once_when_the_connection_is_gone() -> None:
    gone = ConnectionNotFound("gone", operation="GetConnection", code="ResourceNotFoundException")

    with pytest.raises(ConnectionNotFound):
        _wait([_record("PENDING"), gone], timeout=60)
