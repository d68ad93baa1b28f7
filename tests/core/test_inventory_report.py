"""The inventory report as data: summary counts, shards, JSON round trip, merging."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_codestar_connections.core.inventory import (
    Failure,
    InvalidReport,
    Report,
    Shard,
    Skip,
    merge_reports,
    parse_shard,
)


def _connection(
    account: str, region: str, name: str, status: str = "AVAILABLE"
) -> dict[str, object]:
    return {
        "ConnectionName": name,
        "ConnectionArn": f"arn:aws:codestar-connections:{region}:{account}:connection/{name}",
        "ProviderType": "GitHub",
        "OwnerAccountId": account,
        "ConnectionStatus": status,
        "AccountId": account,
        "Region": region,
        "Service": "codestar-connections",
        "Tags": {"team": "a"},
    }


def _report(accounts: list[str], regions: list[str], **kwargs: object) -> Report:
    report = Report(accounts=accounts, regions=regions, **kwargs)  # type: ignore[arg-type]
    report.started_at = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    report.finished_at = datetime(2026, 12, 3, 12, 0, 7, tzinfo=UTC)
    return report


def test_every_pair_is_read_failed_or_skipped_in_the_summary() -> None:
    report = _report(
        ["111111111111", "222222222222"],
        ["eu-west-1", "us-east-1", "af-south-1"],
        connections=[
            _connection("111111111111", "eu-west-1", "a"),
            _connection("111111111111", "eu-west-1", "b", "PENDING"),
        ],
        failures=[
            Failure("222222222222", "us-east-1", "ThrottlingException", "…", 10),
            # Two failures of one pair (tags of two connections) count as one failed pair.
            Failure("222222222222", "eu-west-1", "AccessDenied", "…"),
            Failure("222222222222", "eu-west-1", "AccessDenied", "…"),
        ],
        skipped=[
            Skip("111111111111", "af-south-1", "opt-in"),
            Skip("222222222222", "af-south-1", "opt-in"),
            Skip("333333333333", None, "SUSPENDED"),
        ],
    )

    summary = report.summary()

    assert summary["Pairs"] == 6
    assert (summary["Read"], summary["Failed"], summary["Skipped"]) == (2, 2, 2)
    assert summary["SkippedAccounts"] == 1
    assert summary["ByStatus"] == {"AVAILABLE": 1, "PENDING": 1}
    assert summary["Seconds"] == 7.0
    assert summary["StartedAt"] == "2026-12-03T12:00:00Z"


def test_required_statuses_name_the_connections_outside_them() -> None:
    report = _report(
        ["111111111111"],
        ["eu-west-1"],
        connections=[
            _connection("111111111111", "eu-west-1", "ok"),
            _connection("111111111111", "eu-west-1", "bad", "ERROR"),
        ],
        required_statuses=frozenset({"AVAILABLE"}),
    )

    assert [c["ConnectionName"] for c in report.not_as_required()] == ["bad"]
    assert report.summary()["NotAsRequired"] == 1


def test_the_json_document_reads_back_as_the_same_report() -> None:
    report = _report(
        ["111111111111"],
        ["eu-west-1"],
        connections=[_connection("111111111111", "eu-west-1", "a")],
        failures=[Failure("111111111111", "eu-west-1", "X", "m", 3)],
        skipped=[Skip("999999999999", None, "SUSPENDED")],
        shards=(Shard(2, 4),),
        required_statuses=frozenset({"AVAILABLE", "PENDING"}),
        attempts=12,
    )
    document = report.to_json()

    again = Report.from_json(document, source="r.json")

    assert again.to_json() == document


@pytest.mark.parametrize(
    "document",
    [[], {"Connections": []}, {"Connections": [], "Failures": [], "Skipped": [], "Summary": {}}],
)
def test_what_is_not_a_report_is_named(document: object) -> None:
    with pytest.raises(InvalidReport, match=r"^x\.json: not "):
        Report.from_json(document, source="x.json")


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "3", "-1/2"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"I/N|between"):
        parse_shard(text)


@given(st.integers(min_value=1, max_value=12), st.lists(st.from_regex(r"\d{12}", fullmatch=True)))
def test_shards_split_accounts_exactly_once(count: int, accounts: list[str]) -> None:
    shards = [parse_shard(f"{index}/{count}") for index in range(1, count + 1)]
    for account in accounts:
        assert sum(shard.holds(account) for shard in shards) == 1


def test_shards_are_balanced_enough_for_a_matrix() -> None:
    accounts = [f"{n:012d}" for n in range(100_000_000_000, 100_000_000_000 + 4000)]
    sizes = [sum(Shard(i, 8).holds(a) for a in accounts) for i in range(1, 9)]
    assert min(sizes) > 400 and max(sizes) < 600, sizes


def _shard_reports(count: int) -> list[tuple[str, Report]]:
    accounts = [f"{n:012d}" for n in range(100_000_000_000, 100_000_000_040)]
    reports = []
    for index in range(1, count + 1):
        shard = Shard(index, count)
        mine = [a for a in accounts if shard.holds(a)]
        report = _report(
            mine,
            ["eu-west-1"],
            connections=[_connection(a, "eu-west-1", "c") for a in mine],
            shards=(shard,),
            attempts=len(mine),
        )
        reports.append((f"shard-{index}.json", report))
    return reports


def test_merging_every_shard_gives_the_whole() -> None:
    merged, problems = merge_reports(_shard_reports(4))

    assert problems == []
    assert len(merged.accounts) == 40
    assert len(merged.connections) == 40
    assert merged.attempts == 40
    assert merged.summary()["Shard"] == "1/4,2/4,3/4,4/4"
    assert merged.connections == sorted(
        merged.connections, key=lambda c: (c["AccountId"], c["Region"], c["ConnectionName"])
    )


def test_a_missing_shard_is_a_problem_not_a_silent_gap() -> None:
    reports = _shard_reports(4)
    del reports[2]

    _, problems = merge_reports(reports)

    assert problems == ["missing shard(s) 3/4: their accounts were not read"]


def test_overlapping_reports_are_refused() -> None:
    reports = _shard_reports(2)
    with pytest.raises(InvalidReport, match=r"is in both shard-1\.json and again\.json"):
        merge_reports([*reports, ("again.json", reports[0][1])])
