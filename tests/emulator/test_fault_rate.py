"""Faults that strike only the calls over a rate: AWS's throttling of an API, as a token bucket."""

from __future__ import annotations

import json

import pytest

from emulator.client import NO_RETRIES, EmulatorClient
from emulator.core import faults
from emulator.core.faults import Fault
from tests.emulator.test_control import control
from tests.emulator.test_fault_probability import throttled_share


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_spares_its_rate_in_a_burst_then_refills_at_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    monkeypatch.setattr(faults, "_clock", clock)
    fault = Fault("GetConnection", error_code="ThrottlingException", count=-1, rate_per_second=4)

    burst = [fault.strikes() for _ in range(6)]
    clock.now += 0.5  # two tokens back
    later = [fault.strikes() for _ in range(3)]
    clock.now += 60  # never more than a second's worth
    rested = [fault.strikes() for _ in range(6)]

    assert burst == [False] * 4 + [True] * 2
    assert later == [False, False, True]
    assert rested == [False] * 4 + [True] * 2


def test_calls_over_the_rate_are_throttled_through_the_server(emulator: EmulatorClient) -> None:
    client = emulator.boto3_client(config=NO_RETRIES)
    # One token, refilled once in ~17 minutes: the first call passes, the next ones do not.
    emulator.add_fault(
        "ListConnections",
        error_code="ThrottlingException",
        http_status=400,
        count=-1,
        rate_per_second=0.001,
    )

    assert throttled_share(client, 4) == [False, True, True, True]
    assert control(emulator, "GET", "faults")[1]["Faults"][0]["RatePerSecond"] == 0.001


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"ErrorCode": "X", "RatePerSecond": 0}, "RatePerSecond must be greater than 0"),
        ({"ErrorCode": "X", "RatePerSecond": "fast"}, "RatePerSecond must be a number"),
        ({"ErrorCode": "X", "RatePerSecond": True}, "RatePerSecond must be a number"),
        (
            {"ErrorCode": "X", "RatePerSecond": 5, "Probability": 0.5},
            "A fault strikes by Probability or by RatePerSecond, not both",
        ),
    ],
)
def test_rates_that_make_no_sense_are_invalid(
    emulator: EmulatorClient, fault: dict[str, object], message: str
) -> None:
    status, body = control(emulator, "POST", "faults", json.dumps(fault).encode())

    assert (status, body) == (400, {"__type": "ValidationException", "Message": message})
