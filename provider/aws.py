"""The only module that talks to AWS: clients, lookups, and AWS errors turned into ours.

Clients come from botocore directly (boto3 adds nothing we use and costs start-up time). They
honour everything botocore reads from the environment: credentials chain, ``AWS_PROFILE``,
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS`` /
``AWS_ENDPOINT_URL_CODECONNECTIONS``, ``AWS_MAX_ATTEMPTS``, the shared config file.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    CredentialProvider,
    Credentials,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)

from ._version import USER_AGENT
from .arn import ConnectionArn, parse_connection_arn
from .errors import (
    AmbiguousConnectionName,
    AwsLookupError,
    ConnectionAccessDenied,
    ConnectionNotFound,
    ConnectionUnavailable,
    CredentialsNotFound,
    EndpointUnreachable,
)
from .model import ConnectionDetails, ConnectionRecord, HostRecord

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_SESSION_NAME",
    "AssumeRole",
    "clear_client_cache",
    "client_for",
    "configure_clients",
    "describe_connection",
    "find_connection_by_arn",
    "find_connection_by_name",
    "find_host",
    "list_connections",
    "list_tags",
]

# ListConnections' largest page: fewer round trips per listing.
_PAGE_SIZE = 100

# Timeouts short enough that a dead endpoint fails a preview in seconds, not minutes.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 20.0


def _client_config(
    max_attempts: int | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> Config:
    # Standard retry mode: exponential backoff with jitter on throttling, 5xx and connection
    # errors. Without max_attempts here, AWS_MAX_ATTEMPTS and the shared config file's
    # max_attempts still decide (botocore reads them when the client is made).
    return Config(
        retries=(
            {"mode": "standard"}
            if max_attempts is None
            else {"mode": "standard", "total_max_attempts": max_attempts}
        ),
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra=USER_AGENT,
        tcp_keepalive=True,
    )


class _Settings:
    """The botocore Config new clients get (replaced by :func:`configure_clients`)."""

    config = _client_config()


_CONSOLE_HINT = "Developer Tools > Settings > Connections in the AWS console"


DEFAULT_SESSION_NAME = "codestar-connections-pulumi"


@dataclass(frozen=True, slots=True)
class AssumeRole:
    """Read through a role (cross-account): STS AssumeRole from the base credentials."""

    role_arn: str
    external_id: str | None = None
    session_name: str = DEFAULT_SESSION_NAME


_SessionKey = tuple[str | None, AssumeRole | None]
_lock = threading.Lock()
_sessions: dict[_SessionKey, botocore.session.Session] = {}
_clients: dict[tuple[str, str, _SessionKey], Any] = {}


def client_for(
    service: str, region: str, *, profile: str | None = None, role: AssumeRole | None = None
) -> Any:
    """A cached botocore client for (service, region, profile, role); safe across threads.

    The Pulumi provider host serves requests on several threads, and botocore's session is not
    thread-safe while it creates clients: creation happens under a lock, use does not need one.
    """
    key = (service, region, (profile, role))
    cached = _clients.get(key)
    if cached is not None:
        return cached
    with _lock:
        cached = _clients.get(key)
        if cached is None:
            session = _session(profile, role)
            cached = session.create_client(service, region_name=region, config=_Settings.config)
            _clients[key] = cached
    return cached


def _session(profile: str | None, role: AssumeRole | None) -> botocore.session.Session:
    """The (cached) session; with a role, its credentials come from STS and refresh themselves.

    Temporary credentials live only in this process's memory: botocore refreshes them shortly
    before they expire, and nothing writes them anywhere (not to state, not to a cache file).
    """
    session = _sessions.get((profile, role))
    if session is not None:
        return session
    session = botocore.session.Session(profile=profile)
    if role is not None:
        # The base credentials come from a session of their own: asking this one would cache
        # them in it, and its clients would then never use the role's.
        base = botocore.session.Session(profile=profile)
        extra = {"RoleSessionName": role.session_name}
        if role.external_id:
            extra["ExternalId"] = role.external_id
        fetcher = AssumeRoleCredentialFetcher(
            # STS in the session's region (or us-east-1): regional STS endpoints need one.
            client_creator=functools.partial(
                base.create_client, region_name=base.get_config_variable("region") or "us-east-1"
            ),
            source_credentials=base.get_credentials(),
            role_arn=role.role_arn,
            extra_args=extra,
        )
        credentials = DeferredRefreshableCredentials(
            refresh_using=fetcher.fetch_credentials, method="assume-role"
        )
        resolver = session.get_component("credential_provider")
        resolver.insert_before("env", _FixedProvider(credentials))
    _sessions[(profile, role)] = session
    return session


class _FixedProvider(CredentialProvider):
    """Hands botocore the role's self-refreshing credentials ahead of its usual chain."""

    METHOD = "assume-role"
    CANONICAL_NAME = "codestar-assume-role"

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials


def configure_clients(
    *,
    max_attempts: int | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
) -> None:
    """Set attempts and timeouts for clients made from now on (drops the cached ones).

    The provider calls this from ``configure`` with stack config ``codestar:maxAttempts``,
    ``codestar:connectTimeout`` and ``codestar:readTimeout``; None keeps the default.
    """
    config = _client_config(
        max_attempts,
        DEFAULT_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout,
        DEFAULT_READ_TIMEOUT if read_timeout is None else read_timeout,
    )
    with _lock:
        _Settings.config = config
        _clients.clear()


def clear_client_cache() -> None:
    """Forget cached sessions, clients and listings (after the environment changed)."""
    with _lock:
        _clients.clear()
        _sessions.clear()
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
_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="codestar-aws")


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
    service: str = "codestar-connections",
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
    subject = f"connections in {region}"
    records: list[ConnectionRecord] = []
    token: str | None = None
    with _translated("ListConnections", subject, service, region):
        client = client_for(service, region, profile=profile, role=role)
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
    service: str = "codestar-connections",
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


@contextmanager
def _translated(operation: str, subject: str, service: str, region: str) -> Iterator[None]:
    """Turn botocore's exceptions into ours, with a message that says what to do."""
    try:
        yield
    except ClientError as error:
        raise _from_client_error(error, operation, subject, service, region) from None
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise CredentialsNotFound(
            f"no usable AWS credentials for reading {subject} ({type(error).__name__}): set "
            "aws:profile or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            operation=operation,
            code=type(error).__name__,
        ) from None
    except ProfileNotFound as error:
        raise CredentialsNotFound(
            f"AWS profile {error.kwargs.get('profile')!r} not found while reading {subject}: "
            "check aws:profile / AWS_PROFILE and your ~/.aws/config",
            operation=operation,
            code="ProfileNotFound",
        ) from None
    except (EndpointConnectionError, ConnectionClosedError) as error:
        raise _unreachable(error, operation, subject, service, region) from None
    except BotoCoreError as error:
        # Connect/read timeouts and other transport failures, after botocore's retries.
        raise _unreachable(error, operation, subject, service, region) from None


def _unreachable(
    error: BotoCoreError, operation: str, subject: str, service: str, region: str
) -> EndpointUnreachable:
    return EndpointUnreachable(
        f"could not reach the {service} endpoint in {region} while reading {subject} "
        f"({type(error).__name__}: {error}): check the network, the region and "
        "AWS_ENDPOINT_URL if you set it",
        operation=operation,
        code=type(error).__name__,
    )


def _from_client_error(
    error: ClientError, operation: str, subject: str, service: str, region: str
) -> AwsLookupError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", "Unknown"))
    aws_message = str(details.get("Message", "")).strip() or "no message"
    attempts = int(error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
    said = f"({code}: {aws_message})"
    if code == "ResourceNotFoundException":
        return ConnectionNotFound(
            f"{subject} not found in {region} ({code}): check the ARN, region and account",
            operation=operation,
            code=code,
            attempts=attempts,
        )
    if error.operation_name == "AssumeRole":
        return CredentialsNotFound(
            f"could not assume the role for reading {subject} {said}: the base credentials "
            "need sts:AssumeRole on the role, and the role's trust policy must allow them "
            "(with the same external_id, if it requires one)",
            operation="AssumeRole",
            code=code,
            attempts=attempts,
        )
    if code.startswith("AccessDenied") or code == "UnauthorizedOperation":
        return ConnectionAccessDenied(
            f"not allowed to read {subject} in {region} {said}: grant "
            f"{service}:{operation} on it to the caller",
            operation=operation,
            code=code,
            attempts=attempts,
        )
    if code == "ResourceUnavailableException":
        return ConnectionUnavailable(
            f"{subject} in {region} is unavailable {said}: retry later; if it persists, "
            f"check the connection under {_CONSOLE_HINT}",
            operation=operation,
            code=code,
            attempts=attempts,
        )
    if code in {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredToken"}:
        return CredentialsNotFound(
            f"AWS rejected the credentials used to read {subject} {said}: check or refresh "
            "them (aws sts get-caller-identity)",
            operation=operation,
            code=code,
            attempts=attempts,
        )
    return AwsLookupError(
        f"{operation} for {subject} in {region} failed after {attempts} attempt(s) {said}: "
        "retry later; raise AWS_MAX_ATTEMPTS if AWS keeps throttling",
        operation=operation,
        code=code,
        attempts=attempts,
    )
