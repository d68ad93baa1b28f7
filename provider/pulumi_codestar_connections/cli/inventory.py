"""``inventory``: every connection of many accounts and regions, as one report.

    codestar-connection inventory [--accounts ID,… | --organization [--ou OU]]
        [--role-name NAME [--external-id ID]] [--regions R,… | --all-regions]
        [--status S] [--concurrency N] [--shard I/N] [--output json|table|csv|html]
    codestar-connection inventory merge FILE…

Every flag is checked before the first AWS call. The report (core/inventory.py) lists every
(account, region) pair as read, failed or skipped; exit 1 when a pair failed, 4 when a
connection is not in a ``--status`` status, else 0. Progress goes to stderr: a bar on a
terminal, a timestamped line every few seconds in CI logs.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from pulumi_codestar_connections.core.inventory import (
    ACCOUNT_ID,
    InvalidReport,
    Report,
    Skip,
    merge_reports,
    parse_shard,
)
from pulumi_codestar_connections.core.vocabulary import CLI_NAME

from .commands import Outcome
from .exit import ExitCode, UsageError
from .lookup import AwsOptions, parse_statuses, provider_type_option
from .wait import describe_statuses

if TYPE_CHECKING:
    from pulumi_codestar_connections.aws.inventory import InventoryProgress

__all__ = ["DEFAULT_CONCURRENCY", "DEFAULT_MAX_ATTEMPTS", "add_arguments", "inventory"]

# Pairs in flight: each pair makes its calls one at a time, so this many calls at most, never
# two at once in one account and region (AWS's rate limits are per account and region). With
# 50 ms per call, 128 keeps 3,200 pairs from waiting on each other (bench figure 9: 32 took
# 54 s, 128 took 32 s).
DEFAULT_CONCURRENCY = 128
DEFAULT_MAX_ATTEMPTS = 10
_MAX_CONCURRENCY = 256
# IAM's role name and external id alphabets (CreateRole, AssumeRole).
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")
_PARENT_ID = re.compile(r"(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})")
# Problems printed one per line; beyond this many, a count.
_MAX_PROBLEM_LINES = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "merge",
        nargs="*",
        metavar="merge FILE",
        help="join reports written with --output json (the shards of a CI matrix)",
    )
    accounts = parser.add_argument_group("accounts (default: the caller's own)")
    accounts.add_argument("--accounts", metavar="ID,…", help="these accounts (comma-separated)")
    accounts.add_argument(
        "--organization",
        action="store_true",
        help="every ACTIVE account of the AWS organization (organizations:ListAccounts)",
    )
    accounts.add_argument(
        "--ou", metavar="OU_ID", help="with --organization: one OU (or root) and the OUs below it"
    )
    accounts.add_argument(
        "--role-name",
        metavar="NAME",
        help="role assumed in every account but the caller's (arn:…:iam::ACCOUNT:role/NAME)",
    )
    accounts.add_argument("--external-id", metavar="ID", help="ExternalId of --role-name")
    accounts.add_argument(
        "--shard", metavar="I/N", help="read only share I of N of the accounts (stable split)"
    )
    regions = parser.add_argument_group("regions (default: --region's)")
    regions.add_argument("--regions", metavar="R,…", help="these regions (comma-separated)")
    regions.add_argument(
        "--all-regions",
        action="store_true",
        help="every region where the service exists in the caller's partition",
    )
    reading = parser.add_argument_group("reading")
    reading.add_argument("--provider-type", metavar="TYPE", help="only this provider type")
    reading.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="exit 4 unless every connection has one of these statuses",
    )
    reading.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=(
            f"(account, region) pairs read at once ({DEFAULT_CONCURRENCY}); each makes one call "
            "at a time, so no account and region sees more than one"
        ),
    )
    reading.add_argument(
        "--max-attempts",
        type=int,
        default=DEFAULT_MAX_ATTEMPTS,
        metavar="N",
        help=f"attempts per call, retries with backoff included ({DEFAULT_MAX_ATTEMPTS})",
    )
    reading.add_argument(
        "--no-tags",
        action="store_true",
        help="skip ListTagsForResource (a call per connection): Tags is null in the report",
    )
    reading.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="worker processes (default: one per CPU core, for runs of 200+ pairs per core)",
    )
    reading.add_argument("--no-progress", action="store_true", help="no progress on stderr")


def inventory(args: argparse.Namespace, aws: AwsOptions, stdin: TextIO, stderr: TextIO) -> Outcome:
    if args.merge:
        return _merge(args)
    plan = _Plan.from_args(args)
    report = _read(plan, aws, stderr)
    return _outcome(report)


class _Plan:
    """The inventory's flags, checked: nothing here calls AWS."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.accounts = _account_list(args.accounts)
        self.organization: bool = args.organization
        self.ou: str | None = args.ou
        self.role_name: str | None = args.role_name
        self.external_id: str | None = args.external_id
        self.regions = _region_list(args.regions)
        self.all_regions: bool = args.all_regions
        self.provider_type = provider_type_option(args.provider_type)
        self.statuses = parse_statuses(args.status) if args.status else None
        self.concurrency: int = args.concurrency
        self.max_attempts: int = args.max_attempts
        self.progress = not args.no_progress
        self.tags = not args.no_tags
        self.processes: int | None = args.processes
        self.shard = None
        if args.shard is not None:
            try:
                self.shard = parse_shard(args.shard)
            except ValueError as error:
                raise UsageError(f"--shard: {error}") from None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> _Plan:
        plan = cls(args)
        if plan.accounts is not None and plan.organization:
            raise UsageError("give --accounts or --organization, not both")
        if plan.ou is not None:
            if not plan.organization:
                raise UsageError("--ou narrows --organization; add --organization")
            if not _PARENT_ID.fullmatch(plan.ou):
                raise UsageError(f"--ou: {plan.ou!r} is not an OU id (ou-…) or a root id (r-…)")
        if plan.regions is not None and plan.all_regions:
            raise UsageError("give --regions or --all-regions, not both")
        if plan.role_name is not None and not _ROLE_NAME.fullmatch(plan.role_name):
            raise UsageError(
                f"--role-name: {plan.role_name!r} is not an IAM role name (1-64 of letters, "
                "digits and +=,.@_-; the name alone, not the ARN)"
            )
        if plan.external_id is not None:
            if plan.role_name is None:
                raise UsageError("--external-id goes with --role-name")
            if not _EXTERNAL_ID.fullmatch(plan.external_id):
                raise UsageError(
                    "--external-id: 2-1224 of letters, digits and +=,.@:/_- are allowed"
                )
        if plan.organization and plan.role_name is None:
            raise UsageError(
                "--organization reads member accounts: give --role-name, the role to assume "
                "in each (e.g. OrganizationAccountAccessRole, or a read-only audit role)"
            )
        if not 1 <= plan.concurrency <= _MAX_CONCURRENCY:
            raise UsageError(f"--concurrency: between 1 and {_MAX_CONCURRENCY}")
        if not 1 <= plan.max_attempts <= 50:
            raise UsageError("--max-attempts: between 1 and 50")
        if plan.processes is not None and not 1 <= plan.processes <= 64:
            raise UsageError("--processes: between 1 and 64")
        return plan


def _account_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    accounts = [part.strip() for part in value.split(",") if part.strip()]
    if not accounts:
        raise UsageError("--accounts: no account id given")
    bad = [account for account in accounts if not ACCOUNT_ID.fullmatch(account)]
    if bad:
        raise UsageError(f"--accounts: {', '.join(map(repr, bad))}: an account id is 12 digits")
    return sorted(set(accounts))


def _region_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    from pulumi_codestar_connections.core.rules import region_reason

    regions = [part.strip() for part in value.split(",") if part.strip()]
    if not regions:
        raise UsageError("--regions: no region given")
    for region in regions:
        refused = region_reason(region)
        if refused:
            raise UsageError(f"--regions: {refused}")
    return sorted(set(regions))


def _home_region(plan: _Plan, aws: AwsOptions) -> str:
    """Where STS and Organizations are called: --region and its fallbacks, else a read region."""
    try:
        return aws.region()
    except UsageError:
        if plan.regions:
            return plan.regions[0]
        raise


def _read(plan: _Plan, aws: AwsOptions, stderr: TextIO) -> Report:
    from pulumi_codestar_connections.aws.inventory import (
        ACTIVE,
        caller_identity,
        organization_accounts,
        partition_regions,
        service_regions,
    )

    started = datetime.now(UTC)
    home = _home_region(plan, aws)
    caller = caller_identity(profile=aws.profile, region=home)
    known_regions = partition_regions(caller.partition)
    if plan.regions is not None:
        unknown = [region for region in plan.regions if region not in known_regions]
        if unknown:
            raise UsageError(
                f"--regions: {', '.join(unknown)} not in partition {caller.partition} "
                f"(botocore knows {', '.join(known_regions)}); upgrade botocore for a new region"
            )
        regions = plan.regions
    elif plan.all_regions:
        regions = service_regions(caller.partition)
    else:
        regions = [home]

    inactive: list[Skip] = []
    if plan.organization:
        members = organization_accounts(profile=aws.profile, region=home, parent=plan.ou)
        accounts = [member.id for member in members if member.state == ACTIVE]
        inactive = [
            Skip(member.id, None, f"account {member.name!r} is {member.state} in the organization")
            for member in members
            if member.state != ACTIVE
        ]
    else:
        accounts = plan.accounts if plan.accounts is not None else [caller.account]
    if plan.shard is not None:
        shard = plan.shard
        accounts = [account for account in accounts if shard.holds(account)]
        inactive = [skip for skip in inactive if shard.holds(skip.account_id)]
    others = [account for account in accounts if account != caller.account]
    if others and plan.role_name is None:
        raise UsageError(
            f"--accounts: {', '.join(others[:5])}{' …' if len(others) > 5 else ''} "
            f"{'is not' if len(others) == 1 else 'are not'} the caller's account "
            f"({caller.account}): give --role-name, the role to assume there"
        )

    from pulumi_codestar_connections.aws.fanout import read_inventory, worker_count

    display = _progress_for(stderr) if plan.progress else None
    try:
        report = read_inventory(
            accounts=accounts,
            regions=regions,
            processes=worker_count(plan.processes, len(accounts) * len(regions)),
            progress=display.update if display is not None else None,
            caller=caller,
            profile=aws.profile,
            service=aws.service,
            home_region=home,
            role_name=plan.role_name,
            external_id=plan.external_id,
            concurrency=plan.concurrency,
            max_attempts=plan.max_attempts,
            provider_type=plan.provider_type,
            tags=plan.tags,
        )
    finally:
        if display is not None:
            display.finish()
    report.started_at = started
    report.skipped.extend(inactive)
    report.shards = () if plan.shard is None else (plan.shard,)
    report.required_statuses = plan.statuses
    return report


def _merge(args: argparse.Namespace) -> Outcome:
    words: list[str] = args.merge
    if words[0] != "merge":
        raise UsageError(
            f"unexpected {words[0]!r}: inventory takes flags, or `merge FILE…` to join reports"
        )
    files = words[1:]
    if not files:
        raise UsageError("inventory merge: give the report files (written with --output json)")
    reading = [
        flag
        for flag, given in (
            ("--accounts", args.accounts is not None),
            ("--organization", args.organization),
            ("--ou", args.ou is not None),
            ("--role-name", args.role_name is not None),
            ("--regions", args.regions is not None),
            ("--all-regions", args.all_regions),
            ("--shard", args.shard is not None),
            ("--provider-type", args.provider_type is not None),
            ("--no-tags", args.no_tags),
            ("--processes", args.processes is not None),
        )
        if given
    ]
    if reading:
        raise UsageError(f"inventory merge reads files, not AWS: drop {', '.join(reading)}")
    reports: list[tuple[str, Report]] = []
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as error:
            raise UsageError(f"{name}: {error.strerror or error}") from None
        except ValueError as error:
            raise UsageError(f"{name}: not JSON ({error})") from None
        try:
            reports.append((name, Report.from_json(document, source=name)))
        except InvalidReport as error:
            raise UsageError(str(error)) from None
    try:
        merged, problems = merge_reports(reports)
    except InvalidReport as error:
        raise UsageError(str(error)) from None
    if args.status:
        merged.required_statuses = parse_statuses(args.status)
    outcome = _outcome(merged)
    if not problems:
        return outcome
    return Outcome(
        outcome.document,
        ExitCode.AWS_ERROR,
        (*problems, *outcome.problems),
    )


def _outcome(report: Report) -> Outcome:
    """The report, and the exit code: 1 if a pair failed (statuses unknown), 4 if one is off."""
    document = report.to_json()
    problems: list[str] = []
    failed = {(failure.account_id, failure.region) for failure in report.failures}
    if failed:
        pairs = document["Summary"]["Pairs"]
        problems.append(
            f"{len(failed)} of {pairs} (account, region) pair(s) could not be read completely "
            "(Failures in the report):"
        )
        problems.extend(
            f"  {failure.account_id} {failure.region}: {failure.message}"
            for failure in report.failures[:_MAX_PROBLEM_LINES]
        )
        if len(report.failures) > _MAX_PROBLEM_LINES:
            problems.append(f"  … and {len(report.failures) - _MAX_PROBLEM_LINES} more")
    off = report.not_as_required()
    if off:
        wanted = describe_statuses(report.required_statuses or frozenset())
        problems.append(f"{len(off)} connection(s) not {wanted}:")
        problems.extend(
            f"  {c.get('AccountId')} {c.get('Region')} {c.get('ConnectionName')!r} is "
            f"{c.get('ConnectionStatus')} ({c.get('ConnectionArn')})"
            for c in off[:_MAX_PROBLEM_LINES]
        )
        if len(off) > _MAX_PROBLEM_LINES:
            problems.append(f"  … and {len(off) - _MAX_PROBLEM_LINES} more")
    if failed:
        code = ExitCode.AWS_ERROR
    elif off:
        code = ExitCode.STATUS_NOT_AS_REQUIRED
    else:
        code = ExitCode.OK
    return Outcome(document, code, tuple(problems))


# -- progress -----------------------------------------------------------------------------------


class _Bar:
    """One line rewritten in place on a terminal: a bar, counts and time."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    def update(self, progress: InventoryProgress) -> None:
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 60))
        share = progress.done / progress.total if progress.total else 1.0
        filled = int(share * width)
        line = (
            f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} pairs, "
            f"{progress.connections} connections, {progress.failed} failed, "
            f"{progress.elapsed:.0f}s"
        )
        self._stream.write(line + "\x1b[K")
        self._stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()


class _Lines:
    """Timestamped lines for CI logs: at most one every ``every`` seconds, and the last one."""

    def __init__(self, stream: TextIO, every: float = 5.0) -> None:
        self._stream = stream
        self._every = every
        self._last: float | None = None
        self._last_done = -1

    def update(self, progress: InventoryProgress) -> None:
        now = time.monotonic()
        final = progress.done == progress.total
        due = self._last is None or now - self._last >= self._every
        if not (due or final) or (final and self._last_done == progress.done):
            return
        self._last, self._last_done = now, progress.done
        stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        percent = 100 * progress.done // progress.total if progress.total else 100
        self._stream.write(
            f"{stamp} {CLI_NAME} inventory: {progress.done}/{progress.total} pairs ({percent}%), "
            f"{progress.connections} connections, {progress.failed} failed, "
            f"{progress.elapsed:.1f}s\n"
        )
        self._stream.flush()

    def finish(self) -> None:
        pass


def _progress_for(stream: TextIO) -> _Bar | _Lines:
    isatty = getattr(stream, "isatty", None)
    return _Bar(stream) if isatty is not None and isatty() else _Lines(stream)
