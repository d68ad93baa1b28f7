"""The only module that talks to AWS: clients, lookups, and AWS errors turned into ours.

Clients come from botocore directly (boto3 adds nothing we use and costs start-up time). They
honour everything botocore reads from the environment: credentials chain, ``AWS_PROFILE``,
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS`` /
``AWS_ENDPOINT_URL_CODECONNECTIONS``, ``AWS_MAX_ATTEMPTS``, the shared config file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session
from botocore.config import Config
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
from .model import ConnectionRecord

__all__ = [
    "clear_client_cache",
    "client_for",
    "find_connection_by_arn",
    "find_connection_by_name",
    "list_connections",
]

# ListConnections' largest page: fewer round trips per listing.
_PAGE_SIZE = 100

# Standard retry mode: exponential backoff with jitter on throttling, 5xx and connection
# errors; AWS_MAX_ATTEMPTS and the shared config file still set the number of attempts.
# Timeouts are short enough that a dead endpoint fails a preview in seconds, not minutes.
_CLIENT_CONFIG = Config(
    retries={"mode": "standard"},
    connect_timeout=5,
    read_timeout=20,
    user_agent_extra=USER_AGENT,
    tcp_keepalive=True,
)
_CONSOLE_HINT = "Developer Tools > Settings > Connections in the AWS console"

_lock = threading.Lock()
_sessions: dict[str | None, botocore.session.Session] = {}
_clients: dict[tuple[str, str, str | None], Any] = {}


def client_for(service: str, region: str, *, profile: str | None = None) -> Any:
    """A cached botocore client for (service, region, profile); safe across threads.

    The Pulumi provider host serves requests on several threads, and botocore's session is not
    thread-safe while it creates clients: creation happens under a lock, use does not need one.
    """
    key = (service, region, profile)
    cached = _clients.get(key)
    if cached is not None:
        return cached
    with _lock:
        cached = _clients.get(key)
        if cached is None:
            session = _sessions.get(profile)
            if session is None:
                session = botocore.session.Session(profile=profile)
                _sessions[profile] = session
            cached = session.create_client(service, region_name=region, config=_CLIENT_CONFIG)
            _clients[key] = cached
    return cached


def clear_client_cache() -> None:
    """Forget cached sessions and clients (after the environment changed, e.g. in tests)."""
    with _lock:
        _clients.clear()
        _sessions.clear()


def find_connection_by_arn(
    arn: str | ConnectionArn, *, profile: str | None = None
) -> ConnectionRecord:
    """GetConnection for ``arn``, in the service and region the ARN names.

    Raises :class:`ConnectionNotFound` when AWS says the connection does not exist; the caller
    decides what that means (a lookup: an error; a refresh: the resource is gone).
    """
    parsed = arn if isinstance(arn, ConnectionArn) else parse_connection_arn(arn)
    subject = f"connection {parsed}"
    with _translated("GetConnection", subject, parsed.service, parsed.region):
        answer = client_for(parsed.service, parsed.region, profile=profile).get_connection(
            ConnectionArn=str(parsed)
        )
    return ConnectionRecord.from_api(answer["Connection"])


def list_connections(
    *,
    region: str,
    service: str = "codestar-connections",
    profile: str | None = None,
    provider_type: str | None = None,
    host_arn: str | None = None,
) -> list[ConnectionRecord]:
    """Every connection in (service, region), all pages, optionally filtered as AWS filters."""
    filters: dict[str, str] = {}
    if provider_type:
        filters["ProviderTypeFilter"] = provider_type
    if host_arn:
        filters["HostArnFilter"] = host_arn
    subject = f"connections in {region}"
    records: list[ConnectionRecord] = []
    token: str | None = None
    with _translated("ListConnections", subject, service, region):
        client = client_for(service, region, profile=profile)
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
    provider_type: str | None = None,
    host_arn: str | None = None,
) -> ConnectionRecord:
    """The one connection called ``name`` in (service, region), found by listing all pages.

    Raises :class:`ConnectionNotFound` when none matches (saying how many were searched, where)
    and :class:`AmbiguousConnectionName` when several do (naming their ARNs).
    """
    searched = list_connections(
        region=region,
        service=service,
        profile=profile,
        provider_type=provider_type,
        host_arn=host_arn,
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
