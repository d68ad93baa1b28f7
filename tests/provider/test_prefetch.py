"""Prefetch: the host's first request starts the lookups of every connection the stack config
names; each Check takes its own result once (engine/prefetch.py). Through the real host."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from emulator.client import EmulatorClient
from pulumi_codestar_connections.engine.inputs import parse_inputs
from pulumi_codestar_connections.engine.prefetch import Prefetch, on_threads
from pulumi_codestar_connections.engine.reader import ConnectionReader
from tests.support.call_log import provider_calls
from tests.support.hosts import HostFactory
from tests.support.waiting import wait_for

PROJECT = "codestar-connections"
MISSING = "arn:aws:codestar-connections:us-east-1:123456789012:connection/gone"


def config_naming(entries: list[dict[str, Any]], **extra: str) -> dict[str, str]:
    """Stack config as the engine hands it to the host: structured values as JSON text."""
    return {f"{PROJECT}:connections": json.dumps(entries), **extra}


def calls_by_target(emulator: EmulatorClient, operation: str) -> Counter[str]:
    calls = provider_calls(emulator, operation)
    return Counter(str(call.get("Arn") or call.get("Region")) for call in calls)


def test_the_first_check_starts_every_lookup_and_each_check_takes_its_own(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arns = [emulator.create_connection(f"repo-{i}", status="AVAILABLE") for i in range(6)]
    emulator.set_status(arns[3], "ERROR")
    host = host_factory(config_naming([{"arn": arn} for arn in arns]), PULUMI_PROJECT=PROJECT)

    first, failures = host.check({"connectionArn": arns[0]})

    assert failures == []
    assert first["observed"]["connectionArn"] == arns[0]
    # Before any other Check, every connection the config names is being looked up.
    wait_for(lambda: set(calls_by_target(emulator, "GetConnection")) == set(arns), "prefetch")
    for index, arn in enumerate(arns[1:], start=1):
        inputs, failures = host.check({"connectionArn": arn})
        assert failures == []
        assert inputs["observed"]["connectionArn"] == arn
        assert inputs["observed"]["connectionName"] == f"repo-{index}"
        assert inputs["observed"]["connectionStatus"] == ("ERROR" if index == 3 else "AVAILABLE")
    # The same calls as without prefetch: one of each per connection.
    assert calls_by_target(emulator, "GetConnection") == dict.fromkeys(arns, 1)
    assert calls_by_target(emulator, "ListTagsForResource") == dict.fromkeys(arns, 1)


def test_a_prefetched_result_serves_one_check_only(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("flipping", status="AVAILABLE")
    host = host_factory(config_naming([{"arn": arn}]), PULUMI_PROJECT=PROJECT)

    before, _ = host.check({"connectionArn": arn})
    emulator.set_status(arn, "ERROR")
    after, _ = host.check({"connectionArn": arn})

    assert before["observed"]["connectionStatus"] == "AVAILABLE"
    assert after["observed"]["connectionStatus"] == "ERROR"
    assert calls_by_target(emulator, "GetConnection") == {arn: 2}


def test_a_prefetched_error_fails_its_check_as_its_own_call_would(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    present = emulator.create_connection("present")
    entries = [{"arn": present}, {"arn": MISSING}]
    prefetching = host_factory(config_naming(entries), PULUMI_PROJECT=PROJECT)
    plain = host_factory(
        config_naming(entries, **{"codestar:prefetch": "false"}), PULUMI_PROJECT=PROJECT
    )

    prefetching.check({"connectionArn": present})
    wait_for(lambda: calls_by_target(emulator, "GetConnection")[MISSING] == 1, "prefetch")
    _, prefetched_failures = prefetching.check({"connectionArn": MISSING})
    _, plain_failures = plain.check({"connectionArn": MISSING})

    assert prefetched_failures == plain_failures
    assert plain_failures[0][0] == "connectionArn"
    assert "not found in us-east-1 (ResourceNotFoundException)" in plain_failures[0][1]
    # One call per host for the missing ARN: the prefetched error was not retried by Check.
    assert calls_by_target(emulator, "GetConnection")[MISSING] == 2


def test_name_entries_are_prefetched_in_their_region(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("by-arn")
    dublin = emulator.create_connection("dublin", region="eu-west-1")
    entries = [{"arn": arn}, {"name": "dublin", "region": "eu-west-1"}]
    host = host_factory(config_naming(entries), PULUMI_PROJECT=PROJECT)

    host.check({"connectionArn": arn})
    wait_for(lambda: calls_by_target(emulator, "ListTagsForResource")[dublin] == 1, "prefetch")
    inputs, failures = host.check({"connectionName": "dublin", "region": "eu-west-1"})

    assert failures == []
    assert inputs["observed"]["connectionArn"] == dublin
    assert calls_by_target(emulator, "ListConnections") == {"eu-west-1": 1}
    assert calls_by_target(emulator, "ListTagsForResource")[dublin] == 1


def test_a_host_that_looks_nothing_up_makes_no_call(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    # `pulumi destroy`: Delete only. The planned lookups start with the first Check or Read.
    arns = [emulator.create_connection(f"leaving-{i}") for i in range(3)]
    host = host_factory(config_naming([{"arn": arn} for arn in arns]), PULUMI_PROJECT=PROJECT)

    emulator.clear_calls()
    for arn in arns:
        host.delete(arn, {"connectionArn": arn})
    time.sleep(0.5)  # a lookup started by mistake would be on the wire by now
    deleted = emulator.calls()
    host.check({"connectionArn": arns[0]})

    assert deleted == []  # no call of any kind: no lookup, no listing, no tags, no host
    wait_for(lambda: set(calls_by_target(emulator, "GetConnection")) == set(arns), "prefetch")


def test_prefetch_off_makes_each_call_in_its_check(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arns = [emulator.create_connection(f"lazy-{i}") for i in range(3)]
    config = config_naming([{"arn": arn} for arn in arns], **{"codestar:prefetch": "false"})
    host = host_factory(config, PULUMI_PROJECT=PROJECT)

    host.check({"connectionArn": arns[0]})
    after_first = calls_by_target(emulator, "GetConnection")
    host.check({"connectionArn": arns[1]})

    assert after_first == {arns[0]: 1}
    assert calls_by_target(emulator, "GetConnection") == {arns[0]: 1, arns[1]: 1}


@pytest.mark.parametrize(
    "config",
    [
        {f"{PROJECT}:connections": "[not json"},
        {f"{PROJECT}:connections": json.dumps([{"arn": "arn:aws:s3:::bucket"}])},
        {f"{PROJECT}:connections": json.dumps({"arn": "not-a-list"})},
        {f"{PROJECT}:connectionArn": "nonsense"},
        {"other-project:connections": json.dumps([{"arn": MISSING}])},
    ],
)
def test_config_it_cannot_use_starts_nothing_and_checks_still_work(
    host_factory: HostFactory, emulator: EmulatorClient, config: dict[str, str]
) -> None:
    arn = emulator.create_connection("steady")
    host = host_factory(config, PULUMI_PROJECT=PROJECT)

    inputs, failures = host.check({"connectionArn": arn})

    assert failures == []
    assert inputs["observed"]["connectionArn"] == arn
    assert calls_by_target(emulator, "GetConnection") == {arn: 1}


def test_a_bad_prefetch_flag_is_refused_naming_the_key(host_factory: HostFactory) -> None:
    host = host_factory({"codestar:prefetch": "sometimes"})

    with pytest.raises(Exception, match=r"codestar:prefetch must be true or false"):
        host.check({"connectionArn": MISSING})


def _spec(**inputs: Any) -> Any:
    return parse_inputs(inputs, default_region="us-east-1")


@pytest.mark.parametrize(
    "other",
    [
        {"connectionArn": MISSING, "profile": "audit"},
        {"connectionArn": MISSING, "assumeRoleArn": "arn:aws:iam::123456789012:role/reader"},
        {"connectionArn": MISSING.replace("/gone", "/other")},
    ],
)
def test_lookups_with_other_credentials_or_targets_do_not_share_a_result(
    other: dict[str, str],
) -> None:
    reader = ConnectionReader()
    key = reader.key(_spec(connectionArn=MISSING))

    assert reader.key(_spec(**other)) != key
    # Filters and the status gate are Check's business, not the lookup's.
    assert reader.key(_spec(connectionArn=MISSING, requireStatus="AVAILABLE")) == key


def test_prefetch_hands_each_result_out_once_and_raises_errors_where_taken() -> None:
    def fail() -> int:
        raise ValueError("no such thing")

    prefetch: Prefetch[Callable[[], int], int] = Prefetch(
        [("a", lambda: 1), ("b", fail), ("a", lambda: 2)], on_threads()
    )
    assert prefetch.pending() == 0  # nothing runs before the first take or start
    assert prefetch.start() == 2
    assert prefetch.start() == 0

    taken = prefetch.take("a")
    assert taken is not None and taken.result(timeout=10) == 1
    assert prefetch.take("a") is None
    failed = prefetch.take("b")
    assert failed is not None
    with pytest.raises(ValueError, match="no such thing"):
        failed.result(timeout=10)
    assert prefetch.pending() == 0


def test_a_lookup_still_queued_when_taken_is_left_to_the_taker() -> None:
    release = threading.Event()
    ran: list[str] = []

    def blocking() -> str:
        release.wait(10)
        ran.append("first")
        return "first"

    def second() -> str:
        ran.append("second")
        return "second"

    prefetch: Prefetch[Callable[[], str], str] = Prefetch(
        [("first", blocking), ("second", second)], on_threads(workers=1)
    )
    assert prefetch.take("unplanned") is None  # the first take starts the others
    wait_for(lambda: _workers() != [], "the worker")
    # Daemon: a queue of lookups must never hold the provider host open when the engine stops it.
    assert [worker.daemon for worker in _workers()] == [True]

    assert prefetch.take("second") is None  # queued behind "first": cancelled, not run later
    release.set()
    first = prefetch.take("first")
    assert first is not None and first.result(timeout=10) == "first"
    wait_for(lambda: _workers() == [], "the worker to finish")
    assert ran == ["first"]


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("codestar-prefetch-")]


def test_lookups_from_config_are_what_each_entry_s_check_will_look_up() -> None:
    from pulumi_codestar_connections.engine.stack_config import lookups_from_config

    entries = [
        {"arn": MISSING, "requireStatus": "AVAILABLE"},
        {"name": "dublin", "region": "eu-west-1", "providerType": "GitLab"},
        {"name": "default-region"},
    ]

    with_default = lookups_from_config(MISSING, entries, default_region="us-west-2")
    without_default = lookups_from_config(None, entries, default_region=None)

    assert [(s.arn and str(s.arn), s.name, s.region) for s in with_default] == [
        (MISSING, None, "us-east-1"),  # connectionArn
        (MISSING, None, "us-east-1"),
        (None, "dublin", "eu-west-1"),
        (None, "default-region", "us-west-2"),
    ]
    assert with_default[2].provider_type == "GitLab"
    # A name with no region anywhere is its Check's to report (with the fix), not prefetched.
    assert [s.name or str(s.arn) for s in without_default] == [MISSING, "dublin"]


# AWS throttles an account's calls to an API above some rate: the prefetch's width (64 lookups
# at once, each with its tags call) must not turn into throttling errors.
_RATE_PER_SECOND = 25.0
_THROTTLED = ("GetConnection", "ListTagsForResource")


def test_a_rate_limited_account_fails_no_check_and_the_client_slows_to_its_rate(
    host_factory: HostFactory, emulator: EmulatorClient
) -> None:
    arns = [emulator.create_connection(f"limited-{i}") for i in range(100)]
    for operation in _THROTTLED:
        emulator.add_fault(
            operation,
            error_code="ThrottlingException",
            http_status=400,
            count=-1,
            rate_per_second=_RATE_PER_SECOND,
        )
    # Three attempts (host_env's AWS_MAX_ATTEMPTS, botocore's default too).
    host = host_factory(config_naming([{"arn": arn} for arn in arns]), PULUMI_PROJECT=PROJECT)

    failed = [arn for arn in arns if host.check({"connectionArn": arn})[1]]

    assert failed == []
    calls = {operation: provider_calls(emulator, operation) for operation in _THROTTLED}
    attempts = {operation: len(made) for operation, made in calls.items()}
    throttled = {
        operation: sum(call.get("ErrorCode") == "ThrottlingException" for call in made)
        for operation, made in calls.items()
    }
    print(f"\n100 lookups at {_RATE_PER_SECOND:g}/s per API: {attempts} attempts, {throttled}")
    # Adaptive retry mode: after the first throttles, the client holds its threads to the
    # rate AWS accepts instead of retrying into the limit (standard mode: ~3x the calls).
    assert all(count <= 1.5 * len(arns) for count in attempts.values()), attempts
    assert calls_by_target(emulator, "GetConnection").keys() == set(arns)
