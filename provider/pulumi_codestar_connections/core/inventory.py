"""The org-wide inventory report as data: what was read, what failed, what was skipped.

Plain values, no AWS: the AWS layer fills a :class:`Report` (aws/inventory.py), the CLI prints
it as JSON, a table, CSV or HTML, and ``inventory merge`` joins the reports of several shards.
The JSON document is a contract for pipelines::

    {"Connections": [{<GetConnection's members>, "AccountId", "Region", "Service", "Tags"}],
     "Failures": [{"AccountId", "Region", "Error", "Message", "Attempts"}],
     "Skipped": [{"AccountId", "Region", "Reason"}],
     "Summary": {"Accounts", "Regions", "Pairs", "Read", "Failed", "Skipped", ...}}

Every (account, region) pair of the run ends in exactly one of three places: read (its
connections are listed), failed (a Failures entry says why), or skipped (an opt-in region the
account has not enabled); an account the organization lists but that is not ACTIVE is a
Skipped entry with no region. Nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import CodestarConnectionsError

__all__ = [
    "ACCOUNT_ID",
    "Failure",
    "InvalidReport",
    "Report",
    "Shard",
    "Skip",
    "merge_reports",
    "parse_shard",
]

ACCOUNT_ID = re.compile(r"\d{12}")


class InvalidReport(CodestarConnectionsError):
    """A file given to ``inventory merge`` is not an inventory report, or reports overlap."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based): a stable share of the accounts."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, account_id: str) -> bool:
        """Whether ``account_id`` belongs to this shard.

        A hash of the id, not its position in a listing: an account keeps its shard when
        others join or leave the organization, and every job of a matrix agrees without
        talking to the others.
        """
        digest = hashlib.sha256(account_id.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def parse_shard(text: str) -> Shard:
    """``I/N`` with 1 <= I <= N; ValueError with a message that says what is wrong."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match is None:
        raise ValueError(f"{text!r} is not I/N (e.g. 2/8)")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"{text!r}: I must be between 1 and N, and N at least 1")
    return Shard(index, count)


@dataclass(frozen=True, slots=True)
class Failure:
    """An (account, region) pair that could not be read completely, after botocore's retries."""

    account_id: str
    region: str
    error: str
    """AWS's error code (AccessDenied, ThrottlingException) or botocore's error class name."""
    message: str
    attempts: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "AccountId": self.account_id,
            "Region": self.region,
            "Error": self.error,
            "Message": self.message,
            "Attempts": self.attempts,
        }


@dataclass(frozen=True, slots=True)
class Skip:
    """A pair not read on purpose (an opt-in region not enabled), or a whole account (no region)."""

    account_id: str
    region: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"AccountId": self.account_id, "Region": self.region, "Reason": self.reason}


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Report:
    """One inventory run (or several merged): its accounts and regions, and every pair's fate."""

    accounts: list[str]
    """The accounts read (ACTIVE ones; a shard's share), sorted."""
    regions: list[str]
    connections: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    attempts: int = 0
    """HTTP attempts of the reads (retries included), as botocore counted them."""
    started_at: datetime = field(default_factory=_utc_now)
    finished_at: datetime = field(default_factory=_utc_now)
    shards: tuple[Shard, ...] = ()
    """The shard this run read, or every shard a merge joined; empty: the whole set."""
    required_statuses: frozenset[str] | None = None

    def sort(self) -> None:
        """A stable order: by account, region, then name and ARN (CSV and diffs stay stable)."""
        self.accounts.sort()
        self.connections.sort(
            key=lambda c: (
                c.get("AccountId", ""),
                c.get("Region", ""),
                c.get("ConnectionName", ""),
                c.get("ConnectionArn", ""),
            )
        )
        self.failures.sort(key=lambda f: (f.account_id, f.region, f.error))
        self.skipped.sort(key=lambda s: (s.account_id, s.region or ""))

    def not_as_required(self) -> list[dict[str, Any]]:
        """Connections whose status is not one of :attr:`required_statuses` (none if unset)."""
        wanted = self.required_statuses
        if wanted is None:
            return []
        return [c for c in self.connections if c.get("ConnectionStatus") not in wanted]

    def summary(self) -> dict[str, Any]:
        pairs = len(self.accounts) * len(self.regions)
        failed_pairs = {(f.account_id, f.region) for f in self.failures}
        skipped_pairs = {(s.account_id, s.region) for s in self.skipped if s.region is not None}
        return {
            "Accounts": len(self.accounts),
            "Regions": len(self.regions),
            "Pairs": pairs,
            "Read": pairs - len(failed_pairs) - len(skipped_pairs),
            "Failed": len(failed_pairs),
            "Skipped": len(skipped_pairs),
            "SkippedAccounts": sum(1 for s in self.skipped if s.region is None),
            "Connections": len(self.connections),
            "ByStatus": dict(sorted(Counter(_status(c) for c in self.connections).items())),
            "ByProviderType": dict(
                sorted(Counter(str(c.get("ProviderType")) for c in self.connections).items())
            ),
            "NotAsRequired": len(self.not_as_required()),
            "Attempts": self.attempts,
            "StartedAt": _iso(self.started_at),
            "FinishedAt": _iso(self.finished_at),
            "Seconds": round((self.finished_at - self.started_at).total_seconds(), 3),
            "Shard": ",".join(str(shard) for shard in self.shards) or None,
            "RequiredStatuses": (
                None if self.required_statuses is None else sorted(self.required_statuses)
            ),
            "AccountIds": list(self.accounts),
            "RegionNames": list(self.regions),
        }

    def to_json(self) -> dict[str, Any]:
        # Sorted here, once, whatever assembled the report: output is stable run to run.
        self.sort()
        return {
            "Connections": list(self.connections),
            "Failures": [failure.to_json() for failure in self.failures],
            "Skipped": [skip.to_json() for skip in self.skipped],
            "Summary": self.summary(),
        }

    @classmethod
    def from_json(cls, document: object, *, source: str) -> Report:
        """A report printed by ``inventory --output json``; InvalidReport names what is wrong."""
        if not isinstance(document, Mapping):
            raise InvalidReport(f"{source}: not an inventory report (a JSON object is expected)")
        missing = [
            k for k in ("Connections", "Failures", "Skipped", "Summary") if k not in document
        ]
        if missing:
            raise InvalidReport(
                f"{source}: not an inventory report (no {', '.join(missing)}); write it with "
                "`inventory --output json`"
            )
        summary = document["Summary"]
        try:
            accounts = [str(a) for a in summary["AccountIds"]]
            regions = [str(r) for r in summary["RegionNames"]]
            failures = [
                Failure(
                    str(f["AccountId"]),
                    str(f["Region"]),
                    str(f["Error"]),
                    str(f["Message"]),
                    f.get("Attempts"),
                )
                for f in document["Failures"]
            ]
            skipped = [
                Skip(str(s["AccountId"]), s.get("Region"), str(s["Reason"]))
                for s in document["Skipped"]
            ]
            connections = [dict(c) for c in document["Connections"]]
            shards = tuple(
                parse_shard(part) for part in str(summary.get("Shard") or "").split(",") if part
            )
            required = summary.get("RequiredStatuses")
            return cls(
                accounts=accounts,
                regions=regions,
                connections=connections,
                failures=failures,
                skipped=skipped,
                attempts=int(summary.get("Attempts", 0)),
                started_at=datetime.fromisoformat(summary["StartedAt"]),
                finished_at=datetime.fromisoformat(summary["FinishedAt"]),
                shards=shards,
                required_statuses=None if required is None else frozenset(required),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InvalidReport(
                f"{source}: not a complete inventory report ({type(error).__name__}: {error})"
            ) from None


def merge_reports(reports: Sequence[tuple[str, Report]]) -> tuple[Report, list[str]]:
    """One report from several (the shards of a CI matrix), and what is wrong with the set.

    Raises InvalidReport when two reports read the same account (the shards overlap: counting
    its connections twice would be wrong). The problems returned (not raised: the merged
    report is still worth printing) are missing shards and differing region lists.
    """
    if not reports:
        raise InvalidReport("no report to merge")
    owner: dict[str, str] = {}
    for source, report in reports:
        for account in report.accounts:
            if account in owner:
                raise InvalidReport(
                    f"account {account} is in both {owner[account]} and {source}: the reports "
                    "overlap (were they written with the same --shard, or twice?)"
                )
            owner[account] = source
    problems: list[str] = []
    region_sets = {tuple(sorted(report.regions)) for _, report in reports}
    if len(region_sets) > 1:
        problems.append(
            "the reports read different regions: "
            + "; ".join(f"{source}: {','.join(sorted(r.regions))}" for source, r in reports)
        )
    shards = sorted(
        {shard for _, report in reports for shard in report.shards},
        key=lambda s: (s.count, s.index),
    )
    counts = {shard.count for shard in shards}
    if len(counts) > 1:
        problems.append(f"the reports come from different shard counts: {sorted(counts)}")
    elif counts:
        [count] = counts
        present = {shard.index for shard in shards}
        absent = [f"{i}/{count}" for i in range(1, count + 1) if i not in present]
        if absent:
            problems.append(f"missing shard(s) {', '.join(absent)}: their accounts were not read")
    if shards and any(not report.shards for _, report in reports):
        problems.append("some reports are shards and some are not: is a whole run among them?")
    requireds = {report.required_statuses for _, report in reports}
    merged = Report(
        accounts=sorted(owner),
        regions=sorted({region for _, report in reports for region in report.regions}),
        connections=[c for _, report in reports for c in report.connections],
        failures=[f for _, report in reports for f in report.failures],
        skipped=[s for _, report in reports for s in report.skipped],
        attempts=sum(report.attempts for _, report in reports),
        started_at=min(report.started_at for _, report in reports),
        finished_at=max(report.finished_at for _, report in reports),
        shards=tuple(shards),
        required_statuses=next(iter(requireds)) if len(requireds) == 1 else None,
    )
    merged.sort()
    return merged, problems


def _status(connection: Mapping[str, Any]) -> str:
    return str(connection.get("ConnectionStatus"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
