"""The AWS layer's entry point: every lookup the provider and the CLI make goes through here.

Lookups by ARN and by name, listings (shared across a provider process), tags and hosts, and
a whole listing with each connection's tags and host (the ``Connections`` resource); the
clients come from :mod:`.clients`, errors are translated by :mod:`.translate`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from pulumi_codestar_connections.core.arns import ConnectionArn, parse_connection_arn
from pulumi_codestar_connections.core.errors import AmbiguousConnectionName, ConnectionNotFound
from pulumi_codestar_connections.core.records import ConnectionDetails, ConnectionRecord, HostRecord
from pulumi_codestar_connections.core.roles import AssumeRole
from pulumi_codestar_connections.core.vocabulary import DEFAULT_SERVICE

from .clients import OVERLAPPED_CALLS, client_for, configure_clients, forget_clients
from .translate import translated as _translated

__all__ = [
    "clear_client_cache",
    "client_for",
    "configure_clients",
    "describe_connection",
    "describe_connections",
    "find_connection_by_arn",
    "find_connection_by_name",
    "find_host",
    "list_connections",
    "list_tags",
    "listed",
    "tags_of",
]

# ListConnections' largest page: fewer round trips per listing.
_PAGE_SIZE = 100


def clear_client_cache() -> None:
    """Forget cached sessions, clients and listings (after the environment changed)."""
    forget_clients()
    _listings.clear()


class _SharedListings:
    """One paged ListConnections per key at a time, reused for ``ttl`` seconds.

    Fifty name lookups in one program would otherwise list the account fifty times; the
    provider host runs them on several threads, so the first lists and the others wait for it.
    """

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._key_locks: dict[object, threading.Lock] = {}
        self._entries: dict[object, tuple[float, list[ConnectionRecord]]] = {}

    def get(
        self, key: object, load: Callable[[], list[ConnectionRecord]]
    ) -> list[ConnectionRecord]:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() - entry[0] < self._ttl:
                return entry[1]
            records = load()
            self._entries[key] = (time.monotonic(), records)
            return records

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# A provider host lives for one Pulumi operation; a minute covers its Check phase with room.
_listings = _SharedListings(ttl=60.0)
# Threads for the calls that can overlap (tags, host); none start until the first submit.
_pool = ThreadPoolExecutor(max_workers=OVERLAPPED_CALLS, thread_name_prefix="codestar-aws")


def find_connection_by_arn(
    arn: str | ConnectionArn, *, profile: str | None = None, role: AssumeRole | None = None
) -> ConnectionRecord:
    """GetConnection for ``arn``, in the service and region the ARN names.

    Raises :class:`ConnectionNotFound` when AWS says the connection does not exist; the caller
    decides what that means (a lookup: an error; a refresh: the resource is gone).
    """
    parsed = arn if isinstance(arn, ConnectionArn) else parse_connection_arn(arn)
    subject = f"connection {parsed}"
    with _translated("GetConnection", subject, parsed.service, parsed.region):
        client = client_for(parsed.service, parsed.region, profile=profile, role=role)
        answer = client.get_connection(ConnectionArn=str(parsed))
    return ConnectionRecord.from_api(answer["Connection"])


def list_connections(
    *,
    region: str,
    service: str = DEFAULT_SERVICE,
    profile: str | None = None,
    role: AssumeRole | None = None,
    provider_type: str | None = None,
    host_arn: str | None = None,
    shared: bool = False,
) -> list[ConnectionRecord]:
    """Every connection in (service, region), all pages, optionally filtered as AWS filters.

    ``shared=True`` reuses a listing made by another lookup with the same key in the last
    minute (the provider's name lookups); the CLI's polling wants fresh listings and leaves it.
    """
    if shared:
        key = (region, service, profile, role, provider_type, host_arn)
        return _listings.get(
            key,
            lambda: list_connections(
                region=region,
                service=service,
                profile=profile,
                role=role,
                provider_type=provider_type,
                host_arn=host_arn,
            ),
        )
    filters: dict[str, str] = {}
    if provider_type:
        filters["ProviderTypeFilter"] = provider_type
    if host_arn:
        filters["HostArnFilter"] = host_arn
    subject = f"the {service} connections"
    with _translated("ListConnections", subject, service, region):
        client = client_for(service, region, profile=profile, role=role)
        return listed(client, filters)


def listed(client: Any, filters: dict[str, str]) -> list[ConnectionRecord]:
    """Every page of ListConnections on ``client`` (largest pages), as records.

    Raises botocore's errors: callers translate them, naming what they listed.
    """
    records: list[ConnectionRecord] = []
    token: str | None = None
    while True:
        page = client.list_connections(
            MaxResults=_PAGE_SIZE, **filters, **({"NextToken": token} if token else {})
        )
        records.extend(ConnectionRecord.from_api(c) for c in page.get("Connections", []))
        token = page.get("NextToken")
        if not token:
            return records


def find_connection_by_name(
    name: str,
    *,
    region: str,
    service: str = DEFAULT_SERVICE,
    profile: str | None = None,
    role: AssumeRole | None = None,
    provider_type: str | None = None,
    host_arn: str | None = None,
    shared: bool = False,
) -> ConnectionRecord:
    """The one connection called ``name`` in (service, region), found by listing all pages.

    Raises :class:`ConnectionNotFound` when none matches (saying how many were searched, where)
    and :class:`AmbiguousConnectionName` when several do (naming their ARNs).
    """
    searched = list_connections(
        region=region,
        service=service,
        profile=profile,
        role=role,
        provider_type=provider_type,
        host_arn=host_arn,
        shared=shared,
    )
    matches = [record for record in searched if record.connection_name == name]
    narrowed = "".join(
        f", {label} {value}"
        for label, value in (("provider type", provider_type), ("host", host_arn))
        if value
    )
    where = f"{service} in {region}{narrowed}"
    if not matches:
        accounts = sorted({record.owner_account_id for record in searched})
        owner = f" of account {', '.join(accounts)}" if accounts else ""
        raise ConnectionNotFound(
            f"no connection named {name!r} among the {len(searched)} connection(s){owner} "
            f"in {where}: check the name (it is case-sensitive), the region and the account",
            operation="ListConnections",
            code="NotFound",
        )
    if len(matches) > 1:
        arns = [record.connection_arn for record in matches]
        raise AmbiguousConnectionName(
            f"{len(matches)} connections are named {name!r} in {where}: "
            f"{', '.join(arns)}; use connection_arn, or narrow with provider_type / host_arn",
            arns=arns,
        )
    return matches[0]


def list_tags(
    resource_arn: str,
    *,
    service: str,
    region: str,
    profile: str | None = None,
    role: AssumeRole | None = None,
) -> dict[str, str]:
    """ListTagsForResource as a plain dict."""
    with _translated("ListTagsForResource", f"the tags of {resource_arn}", service, region):
        client = client_for(service, region, profile=profile, role=role)
        return tags_of(client, resource_arn)


def tags_of(client: Any, resource_arn: str) -> dict[str, str]:
    """ListTagsForResource on ``client`` as a plain dict (botocore's errors: the caller's)."""
    answer = client.list_tags_for_resource(ResourceArn=resource_arn)
    return {tag["Key"]: tag["Value"] for tag in answer.get("Tags", [])}


def find_host(
    host_arn: str, *, profile: str | None = None, role: AssumeRole | None = None
) -> HostRecord:
    """GetHost, in the service and region the host ARN names."""
    _, _, service, region, *_ = host_arn.split(":", 5)
    with _translated("GetHost", f"host {host_arn}", service, region):
        client = client_for(service, region, profile=profile, role=role)
        answer = client.get_host(HostArn=host_arn)
    return HostRecord.from_api(answer)


def describe_connection(
    *,
    arn: ConnectionArn | None = None,
    name: str | None = None,
    region: str,
    service: str,
    profile: str | None = None,
    role: AssumeRole | None = None,
    provider_type: str | None = None,
    host_arn: str | None = None,
) -> ConnectionDetails:
    """The connection (by ARN, or by name through a shared listing), its tags and its host.

    Round trips overlap where they can: by ARN, GetConnection and ListTagsForResource run
    together; by name, the listing already holds the connection. GetHost follows for
    GitHub Enterprise Server / GitLab self-managed connections, alongside the tags.
    """
    access: dict[str, Any] = {"profile": profile, "role": role}
    tags: Future[dict[str, str]] | None = None
    try:
        if arn is not None:
            service, region = arn.service, arn.region
            tags = _pool.submit(list_tags, str(arn), service=service, region=region, **access)
            record = find_connection_by_arn(arn, **access)
        else:
            assert name is not None, "describe_connection needs an ARN or a name"
            record = find_connection_by_name(
                name,
                region=region,
                service=service,
                provider_type=provider_type,
                host_arn=host_arn,
                shared=True,
                **access,
            )
        if tags is None:
            tags = _pool.submit(
                list_tags, record.connection_arn, service=service, region=region, **access
            )
        host = find_host(record.host_arn, **access) if record.host_arn else None
        return ConnectionDetails(record, tags.result(), host, service, region)
    finally:
        _settle([tags] if tags is not None else [])


def describe_connections(
    *,
    region: str,
    service: str = DEFAULT_SERVICE,
    profile: str | None = None,
    role: AssumeRole | None = None,
    provider_type: str | None = None,
    host_arn: str | None = None,
) -> list[ConnectionDetails]:
    """Every connection in (service, region), filtered as AWS filters, with tags and host.

    One fresh ListConnections paging pass (never a shared listing: this is what a drift check
    compares), then ListTagsForResource for each connection and GetHost for each distinct host,
    overlapped on the pool. In the order AWS lists them; the first failure raises.
    """
    access: dict[str, Any] = {"profile": profile, "role": role}
    records = list_connections(
        region=region, service=service, provider_type=provider_type, host_arn=host_arn, **access
    )
    tags = [
        _pool.submit(list_tags, r.connection_arn, service=service, region=region, **access)
        for r in records
    ]
    hosts = {
        arn: _pool.submit(find_host, arn, **access)
        for arn in dict.fromkeys(r.host_arn for r in records if r.host_arn)
    }
    try:
        return [
            ConnectionDetails(
                record,
                tagged.result(),
                hosts[record.host_arn].result() if record.host_arn else None,
                service,
                region,
            )
            for record, tagged in zip(records, tags, strict=True)
        ]
    finally:
        _settle([*tags, *hosts.values()])


def _settle(calls: Iterable[Future[Any]]) -> None:
    """No call outlives its lookup: when one call failed first, those not started are dropped
    and those under way awaited (their outcome dropped: the first failure is the one to
    report)."""
    running = [call for call in calls if not call.cancel()]
    wait(running)
