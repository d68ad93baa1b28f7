"""botocore clients for the AWS layer: one per (service, region, profile, role), thread-safe.

Clients come from botocore directly (boto3 adds nothing we use and costs start-up time). They
honour everything botocore reads from the environment: credentials chain, ``AWS_PROFILE``,
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS`` /
``AWS_ENDPOINT_URL_CODECONNECTIONS`` / ``AWS_ENDPOINT_URL_STS``, ``AWS_MAX_ATTEMPTS``, the
shared config file. The lookups (:mod:`.lookups`) and the CLI's ``--debug`` and document
shapes use them.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Literal

import botocore.exceptions
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    CredentialProvider,
    Credentials,
    DeferredRefreshableCredentials,
)

from pulumi_codestar_connections._version import USER_AGENT
from pulumi_codestar_connections.core.roles import AssumeRole
from pulumi_codestar_connections.core.vocabulary import SERVICES

from .translate import count_attempts

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "OVERLAPPED_CALLS",
    "RetryMode",
    "assumed_role_credentials",
    "client_config",
    "client_for",
    "configure_clients",
    "forget_clients",
    "new_session",
]

# Timeouts short enough that a dead endpoint fails a preview in seconds, not minutes.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 20.0
# Calls that overlap a lookup's own (its tags, its host) at once: as many as the prefetch runs
# lookups (engine/prefetch.py's DEFAULT_WORKERS), so that each lookup's tags overlap its
# GetConnection (aws/lookups.py's pool).
OVERLAPPED_CALLS = 64
# Every one of those calls and every lookup's own, each keeping its connection.
_MAX_POOL_CONNECTIONS = 2 * OVERLAPPED_CALLS
# Every client this project makes: the two connection APIs, STS for roles, Organizations for
# the inventory's accounts.
_SERVICES = (*SERVICES, "sts", "organizations")
RetryMode = Literal["standard", "adaptive"]


class _Loader(botocore.loaders.Loader):
    """botocore's data loader, knowing that only :data:`_SERVICES` will be asked for.

    Before loading a model, botocore checks that the service exists by listing every service
    it ships: ~420 directories walked, twice per first client (the model and the endpoint
    rule set), ~45 ms each here, about a third of a cold start's client creation. Everything
    is still read by botocore from its own data, in its own search path order (AWS_DATA_PATH
    included); only that listing is narrowed to the services we use.
    """

    @botocore.loaders.instance_cache
    def list_available_services(self, type_name: str) -> list[str]:
        found = []
        for service in _SERVICES:
            try:
                self.list_api_versions(service, type_name)
            except botocore.exceptions.DataNotFoundError:
                continue
            found.append(service)
        return sorted(found)


@functools.cache
def _loader(data_path: str | None) -> _Loader:
    """One loader per AWS_DATA_PATH, shared by every session (each would build its own)."""
    standard = botocore.loaders.create_loader(data_path)
    return _Loader(extra_search_paths=standard.search_paths, include_default_search_paths=False)


def _new_session(profile: str | None) -> botocore.session.Session:
    session = botocore.session.Session(profile=profile)
    session.register_component("data_loader", _loader(session.get_config_variable("data_path")))
    return session


def client_config(
    max_attempts: int | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    *,
    retry_mode: RetryMode = "adaptive",
) -> Config:
    """botocore's Config for our clients.

    Retries, adaptive mode by default: standard mode's exponential backoff with jitter on
    throttling, 5xx and connection errors, plus a client-side rate limiter that stays out of
    the way until AWS throttles the client, then holds every thread that shares the client to
    the rate AWS accepts (the prefetch runs many lookups at once on one client: without it,
    each of them would meet the limit and retry on its own). The limiter is the client's: one
    per (service, region, profile, role) in a process, learning from its own throttles. botocore
    calls adaptive mode experimental. Standard mode for clients used by one thread for a few
    calls (the inventory's per-pair clients), where a limiter would have nothing to learn.
    Without ``max_attempts``, AWS_MAX_ATTEMPTS and the shared config file's max_attempts still
    decide (botocore reads them when the client is made).
    """
    return Config(
        retries=(
            {"mode": retry_mode}
            if max_attempts is None
            else {"mode": retry_mode, "total_max_attempts": max_attempts}
        ),
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra=USER_AGENT,
        tcp_keepalive=True,
        # Every thread that may call at once (the tags pool, the prefetch, the host's own
        # threads) keeps its connection: botocore's default of 10 would drop and redo some.
        max_pool_connections=_MAX_POOL_CONNECTIONS,
    )


class _Settings:
    """The botocore Config new clients get (replaced by :func:`configure_clients`)."""

    config = client_config()


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
            count_attempts(cached)
            _clients[key] = cached
    return cached


def _session(profile: str | None, role: AssumeRole | None) -> botocore.session.Session:
    """The (cached) session; with a role, its credentials come from STS and refresh themselves.

    Temporary credentials live only in this process's memory: botocore refreshes them shortly
    before they expire, and nothing writes them anywhere (not to state, not to a cache file).
    """
    session = _sessions.get((profile, role))
    if session is None:
        session = _sessions[(profile, role)] = new_session(profile, role)
    return session


def new_session(profile: str | None, role: AssumeRole | None) -> botocore.session.Session:
    """A session of its own (not cached), its credentials the role's when there is one.

    Its clients must be made under a lock of the caller's: botocore sessions are not
    thread-safe while they create clients.
    """
    session = _new_session(profile)
    if role is not None:
        # The base credentials come from a session of their own: asking this one would cache
        # them in it, and its clients would then never use the role's.
        base = _new_session(profile)
        extra = {"RoleSessionName": role.session_name}
        if role.external_id:
            extra["ExternalId"] = role.external_id
        fetcher = AssumeRoleCredentialFetcher(
            # STS in the session's region (or us-east-1): regional STS endpoints need one.
            # Our config: the user agent, the retries and the timeouts, for STS too.
            client_creator=functools.partial(
                base.create_client,
                region_name=base.get_config_variable("region") or "us-east-1",
                config=_Settings.config,
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
    return session


def assumed_role_credentials(role: AssumeRole, *, sts: Any) -> Credentials:
    """``role``'s credentials, assumed with ``sts`` (a client of the base credentials) on first
    use and again shortly before they expire (botocore's refresh windows).

    The inventory assumes a role in each of hundreds of accounts: one STS client for all of
    them, where :func:`new_session` makes a session and a client per role and per refresh.
    """
    extra = {"RoleSessionName": role.session_name}
    if role.external_id:
        extra["ExternalId"] = role.external_id
    fetcher = _SharedClientFetcher(
        sts,
        client_creator=None,
        source_credentials=None,
        role_arn=role.role_arn,
        extra_args=extra,
    )
    return DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role"
    )


class _SharedClientFetcher(AssumeRoleCredentialFetcher):
    """botocore's AssumeRole fetcher, calling through one given STS client."""

    def __init__(self, sts: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sts = sts

    def _create_client(self) -> Any:
        return self._sts


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

    A provider host calls this when the engine configures it (engine/reader.py), with stack
    config ``codestar:maxAttempts``, ``codestar:connectTimeout`` and ``codestar:readTimeout``;
    None keeps the default.
    """
    config = client_config(
        max_attempts,
        DEFAULT_CONNECT_TIMEOUT if connect_timeout is None else connect_timeout,
        DEFAULT_READ_TIMEOUT if read_timeout is None else read_timeout,
    )
    with _lock:
        _Settings.config = config
        _clients.clear()


def forget_clients() -> None:
    """Drop cached sessions and clients (after the environment changed)."""
    with _lock:
        _clients.clear()
        _sessions.clear()
