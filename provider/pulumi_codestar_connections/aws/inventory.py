"""Every connection of many accounts and regions, read at once: the inventory's AWS side.

Who and where: :func:`caller_identity` (STS GetCallerIdentity: the caller's account and
partition), :func:`organization_accounts` (AWS Organizations, every page, one OU subtree if
asked) and :func:`service_regions` / :func:`partition_regions` (botocore's endpoint data).

:class:`InventoryReader` then reads every (account, region) pair, ``concurrency`` pairs at a
time on as many threads: per account its credentials (the caller's own for its account, else
the role assumed there through one STS client for the run, assumed again by botocore before it
expires), per pair one client made for it from the run's one session and dropped after it (so
memory stays flat however many pairs), ListConnections page by page, then
ListTagsForResource for each connection on the same connection. Each call gets botocore's
standard retries; what still fails becomes a :class:`~..core.inventory.Failure` of its pair,
never an exception that stops the others. :mod:`.fanout` spreads the accounts over processes
when one core is not enough.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.credentials import Credentials

from pulumi_codestar_connections.core.errors import AwsLookupError, CredentialsNotFound
from pulumi_codestar_connections.core.inventory import Failure, Report, Skip
from pulumi_codestar_connections.core.records import ConnectionRecord
from pulumi_codestar_connections.core.roles import AssumeRole

from .clients import assumed_role_credentials, client_config, client_for, new_session
from .lookups import listed, tags_of
from .translate import count_attempts, translated

__all__ = [
    "ACTIVE",
    "DISABLED_REGION_CODES",
    "SESSION_NAME",
    "Identity",
    "InventoryProgress",
    "InventoryReader",
    "OrgAccount",
    "caller_identity",
    "organization_accounts",
    "partition_regions",
    "service_regions",
]

ACTIVE = "ACTIVE"
SESSION_NAME = "codestar-connection-inventory"
"""The RoleSessionName of the inventory's AssumeRole calls (CloudTrail shows it)."""

DISABLED_REGION_CODES = frozenset({"UnrecognizedClientException", "InvalidClientTokenId"})
"""What AWS answers in an opt-in region the account has not enabled: it does not know the
credentials there. Read as "skipped" only when the same credentials worked in another region."""

_ORGANIZATIONS_PAGE = 20  # ListAccounts' largest page


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller, as STS GetCallerIdentity sees it."""

    account: str
    arn: str

    @property
    def partition(self) -> str:
        """``aws``, ``aws-cn``, ``aws-us-gov``: the partition role ARNs and regions belong to."""
        return self.arn.split(":", 2)[1]


@dataclass(frozen=True, slots=True)
class OrgAccount:
    """A member account as AWS Organizations lists it."""

    id: str
    name: str
    state: str
    """ACTIVE, SUSPENDED, PENDING_CLOSURE, … (Organizations' ``State``, else ``Status``)."""


def caller_identity(*, profile: str | None, region: str) -> Identity:
    with translated("GetCallerIdentity", "the caller's identity", "sts", region):
        answer = client_for("sts", region, profile=profile).get_caller_identity()
    return Identity(account=str(answer["Account"]), arn=str(answer["Arn"]))


def organization_accounts(
    *, profile: str | None, region: str, parent: str | None = None
) -> list[OrgAccount]:
    """Every account of the organization, or of ``parent`` (an OU or root) and the OUs below it.

    Every page of every listing; the caller must be the management account or a delegated
    administrator (``organizations:ListAccounts``, ``ListAccountsForParent``,
    ``ListOrganizationalUnitsForParent``).
    """
    client = client_for("organizations", region, profile=profile)
    accounts: dict[str, OrgAccount] = {}

    def add(page: dict[str, Any]) -> None:
        for account in page.get("Accounts", []):
            state = account.get("State") or account.get("Status") or "UNKNOWN"
            accounts[account["Id"]] = OrgAccount(account["Id"], account.get("Name", ""), state)

    if parent is None:
        with translated("ListAccounts", "the organization's accounts", "organizations", region):
            for page in client.get_paginator("list_accounts").paginate(
                PaginationConfig={"PageSize": _ORGANIZATIONS_PAGE}
            ):
                add(page)
        return sorted(accounts.values(), key=lambda a: a.id)
    pending = [parent]
    while pending:
        current = pending.pop()
        subject = f"the accounts of {current}"
        with translated("ListAccountsForParent", subject, "organizations", region):
            for page in client.get_paginator("list_accounts_for_parent").paginate(
                ParentId=current, PaginationConfig={"PageSize": _ORGANIZATIONS_PAGE}
            ):
                add(page)
        subject = f"the organizational units of {current}"
        with translated("ListOrganizationalUnitsForParent", subject, "organizations", region):
            for page in client.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=current, PaginationConfig={"PageSize": _ORGANIZATIONS_PAGE}
            ):
                pending.extend(unit["Id"] for unit in page.get("OrganizationalUnits", []))
    return sorted(accounts.values(), key=lambda a: a.id)


@functools.cache
def _endpoint_data() -> dict[str, Any]:
    data: dict[str, Any] = botocore.session.get_session().get_data("endpoints")
    return data


def partition_regions(partition: str) -> list[str]:
    """Every region of ``partition`` botocore knows (opt-in regions included)."""
    for entry in _endpoint_data()["partitions"]:
        if entry["partition"] == partition:
            return sorted(entry["regions"])
    return []


def service_regions(partition: str) -> list[str]:
    """The regions of ``partition`` where CodeStar Connections exists, from botocore's data.

    botocore lists them under ``codestar-connections``; ``codeconnections`` is the same
    service in the same regions (its own entry is empty), so both APIs use this list.
    """
    regions = botocore.session.get_session().get_available_regions(
        "codestar-connections", partition_name=partition
    )
    return sorted(regions)


@dataclass(frozen=True, slots=True)
class InventoryProgress:
    """A snapshot for the progress display: pairs finished of all, and what they found."""

    done: int
    total: int
    connections: int
    failed: int
    elapsed: float


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self, amount: int = 1) -> None:
        with self._lock:
            self.value += amount


class _Account:
    """One account of the run: its credentials once had (or why not), its pairs still to go."""

    def __init__(self, account_id: str, pairs: int) -> None:
        self.id = account_id
        self.pending = pairs
        self.credentials: Credentials | None = None
        self.error: AwsLookupError | None = None
        self.lock = threading.Lock()


class _Pair:
    """One (account, region) being read: its rows, and what failed."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.entries: list[dict[str, Any]] = []
        self.failures: list[Failure] = []


class InventoryReader:
    """Reads every (account, region) pair with at most ``concurrency`` calls in flight.

    ``role_name`` is assumed in every account but the caller's own; ``service`` is the API
    read (codestar-connections or codeconnections). ``progress`` is called from the thread
    that runs :meth:`read`, about every ``progress_interval`` seconds and once at the end.
    """

    def __init__(
        self,
        *,
        caller: Identity,
        profile: str | None,
        service: str,
        home_region: str,
        role_name: str | None,
        external_id: str | None = None,
        concurrency: int = 128,
        max_attempts: int = 10,
        provider_type: str | None = None,
        tags: bool = True,
        progress: Callable[[InventoryProgress], None] | None = None,
        progress_interval: float = 1.0,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._caller = caller
        self._profile = profile
        self._service = service
        self._home_region = home_region
        self._role_name = role_name
        self._external_id = external_id
        self._concurrency = concurrency
        self._config = client_config(max_attempts, retry_mode="standard").merge(
            # A pair's client makes one call at a time: one connection is all it needs.
            Config(max_pool_connections=1)
        )
        # The one STS client is every pair's: a connection per pair in flight, and adaptive
        # mode, so that STS throttling AssumeRole slows every pair to the rate STS accepts.
        self._sts_config = client_config(max_attempts)
        self._filters = {"ProviderTypeFilter": provider_type} if provider_type else {}
        self._tags = tags
        self._progress = progress
        self._progress_interval = progress_interval
        self._attempts = _Counter()
        self._connections = _Counter()
        self._lock = threading.Lock()
        self._finished: list[_Pair] = []
        self._all_done = threading.Condition(self._lock)
        # At most `concurrency` pairs between their first call and their last tag read: their
        # clients are the memory that grows with the run, so it does not (3,200 pairs' clients
        # at ~150 KB each would be half a gigabyte).
        self._slots = threading.BoundedSemaphore(concurrency)
        self._accounts: dict[str, _Account] = {}
        self._sts_client: Any = None
        # One session for every client of the run (each made with its account's credentials):
        # a session per account cost more CPU than the account's reads.
        self._base = new_session(profile, None)
        self._base_lock = threading.Lock()

    def _sts(self) -> Any:
        """The one STS client every role of the run is assumed with (made on first use)."""
        with self._base_lock:
            if self._sts_client is None:
                region = self._base.get_config_variable("region") or self._home_region
                self._sts_client = self._base.create_client(
                    "sts", region_name=region, config=self._sts_config
                )
                count_attempts(self._sts_client)
                self._sts_client.meta.events.register("needs-retry", self._count_attempt)
            return self._sts_client

    def role_arn(self, account: str) -> str:
        return f"arn:{self._caller.partition}:iam::{account}:role/{self._role_name}"

    def read(self, accounts: Sequence[str], regions: Sequence[str]) -> Report:
        """Read every pair; the report holds each pair as read, failed or skipped."""
        report = Report(accounts=sorted(accounts), regions=list(regions))
        total = len(report.accounts) * len(regions)
        started = time.monotonic()
        for account in report.accounts:
            self._accounts[account] = _Account(account, len(regions))
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="inventory") as pool:
            # Account by account, so that an account's session (and role) is opened once, used
            # by its regions together, and dropped after them.
            for account in report.accounts:
                for region in regions:
                    while not self._slots.acquire(timeout=self._progress_interval):
                        self._report_progress(total, started)
                    pool.submit(self._read_pair, _Pair(account, region))
            while True:
                with self._all_done:
                    if len(self._finished) >= total:
                        break
                    self._all_done.wait(self._progress_interval)
                self._report_progress(total, started)
        self._report_progress(total, started)
        for pair in self._finished:
            report.connections.extend(pair.entries)
            report.failures.extend(pair.failures)
        _skip_disabled_regions(report)
        report.attempts = self._attempts.value
        report.finished_at = datetime.now(UTC)
        return report

    # -- tasks ----------------------------------------------------------------------------

    def _credentials(self, account: _Account) -> Credentials:
        """The account's credentials, opened by its first pair; the others wait for them.

        The caller's own for its account, else the role's, assumed right away: a role that
        cannot be assumed fails each of the account's pairs with the same error. botocore
        assumes it again shortly before it expires, however long the run.
        """
        with account.lock:
            if account.error is not None:
                raise account.error
            if account.credentials is None:
                try:
                    account.credentials = self._open(account.id)
                except AwsLookupError as error:
                    account.error = error
                    raise
            return account.credentials

    def _open(self, account: str) -> Credentials:
        if account == self._caller.account:
            own = self._base.get_credentials()
            if own is None:  # botocore found none: the same error a lookup gives
                raise CredentialsNotFound(
                    f"no usable AWS credentials for reading account {account}",
                    operation="GetCallerIdentity",
                    code="NoCredentialsError",
                )
            return own
        role_arn = self.role_arn(account)
        role = AssumeRole(role_arn, external_id=self._external_id, session_name=SESSION_NAME)
        credentials = assumed_role_credentials(role, sts=self._sts())
        subject = f"account {account} through role {role_arn}"
        with translated("AssumeRole", subject, "sts", self._home_region):
            credentials.get_frozen_credentials()
        return credentials

    def _read_pair(self, pair: _Pair) -> None:
        """List the pair's connections, then read their tags, one call after the other.

        One after the other on purpose: the pair's client then keeps one connection (a TLS
        handshake against AWS) for all its calls, where parallel tag reads would open one
        each; pairs run side by side instead, ``concurrency`` of them. The client is made
        with the account's credentials as they are now: botocore refreshes them at least ten
        minutes before they expire, far longer than a pair takes.
        """
        account = self._accounts[pair.account]
        try:
            frozen = self._credentials(account).get_frozen_credentials()
            with self._base_lock:
                client = self._base.create_client(
                    self._service,
                    region_name=pair.region,
                    config=self._config,
                    aws_access_key_id=frozen.access_key,
                    aws_secret_access_key=frozen.secret_key,
                    aws_session_token=frozen.token,
                )
            count_attempts(client)
            client.meta.events.register("needs-retry", self._count_attempt)
            records = self._list(client, pair)
            self._connections.add(len(records))
            pair.entries.extend(self._entry(pair, record) for record in records)
            if self._tags:
                for entry in pair.entries:
                    self._read_tags(client, pair, entry)
        except AwsLookupError as error:
            pair.failures.append(_failure(pair, error))
        except Exception as error:  # a bug of ours must not hang the run: fail the pair
            pair.failures.append(_unexpected(pair, error))
        finally:
            self._finish(pair)

    def _entry(self, pair: _Pair, record: ConnectionRecord) -> dict[str, Any]:
        """The report's row: GetConnection's members, where it was read, its tags (None: not
        read, yet or at all)."""
        return {
            **record.to_api(),
            "AccountId": pair.account,
            "Region": pair.region,
            "Service": self._service,
            "Tags": None,
        }

    def _list(self, client: Any, pair: _Pair) -> list[ConnectionRecord]:
        subject = f"the {self._service} connections of account {pair.account}"
        with translated("ListConnections", subject, self._service, pair.region):
            return listed(client, self._filters)

    def _read_tags(self, client: Any, pair: _Pair, entry: dict[str, Any]) -> None:
        """The connection's tags into its row; a failure is the pair's, the row stays."""
        arn = str(entry["ConnectionArn"])
        try:
            with translated(
                "ListTagsForResource", f"the tags of {arn}", self._service, pair.region
            ):
                entry["Tags"] = tags_of(client, arn)
        except AwsLookupError as error:
            pair.failures.append(_failure(pair, error))

    # -- bookkeeping ----------------------------------------------------------------------

    def _count_attempt(self, **_: Any) -> None:
        # botocore emits needs-retry once after every HTTP attempt, retried or not.
        self._attempts.add()

    def _finish(self, pair: _Pair) -> None:
        account = self._accounts[pair.account]
        with account.lock:
            account.pending -= 1
            if account.pending == 0:
                account.credentials = None
        with self._all_done:
            self._finished.append(pair)
            self._all_done.notify_all()
        self._slots.release()

    def _report_progress(self, total: int, started: float) -> None:
        if self._progress is None:
            return
        with self._lock:
            done = len(self._finished)
            failed = sum(1 for pair in self._finished if pair.failures)
        self._progress(
            InventoryProgress(
                done=done,
                total=total,
                connections=self._connections.value,
                failed=failed,
                elapsed=time.monotonic() - started,
            )
        )


def _failure(pair: _Pair, error: AwsLookupError) -> Failure:
    return Failure(
        pair.account, pair.region, error.code or type(error).__name__, str(error), error.attempts
    )


def _unexpected(pair: _Pair, error: Exception) -> Failure:
    message = f"internal error while reading: {type(error).__name__}: {error}"
    return Failure(pair.account, pair.region, "InternalError", message)


def _skip_disabled_regions(report: Report) -> None:
    """Failures that mean "region not enabled" become skips, where the account read elsewhere.

    AWS answers a call in an opt-in region the account has not enabled as it answers unknown
    credentials. When the same credentials read another region of the account, the region is
    disabled there (a skip); when they were refused everywhere, they are bad (failures).
    """
    failed_regions: dict[str, set[str]] = {}
    for failure in report.failures:
        failed_regions.setdefault(failure.account_id, set()).add(failure.region)
    worked = {
        account
        for account in report.accounts
        if len(failed_regions.get(account, set())) < len(report.regions)
    }
    kept: list[Failure] = []
    for failure in report.failures:
        if failure.error in DISABLED_REGION_CODES and failure.account_id in worked:
            report.skipped.append(
                Skip(
                    failure.account_id,
                    failure.region,
                    f"{failure.region} is an opt-in region account {failure.account_id} has not "
                    f"enabled: AWS refused its credentials there ({failure.error}) and accepted "
                    "them elsewhere; enable the region, or leave it out of --regions",
                )
            )
        else:
            kept.append(failure)
    report.failures = kept
