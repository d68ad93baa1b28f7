"""botocore's exceptions turned into ours, with messages that say what to do.

Every message names the operation and, where botocore got that far, the attempts it made: a
ClientError carries them in its response; for transport failures (timeouts, resets, refused
connections) botocore keeps no count, so :func:`count_attempts` hooks each client's retry
decision and :func:`translated` reads the count of the call that failed on its own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.parsers import ResponseParserError

from pulumi_codestar_connections.core.errors import (
    AwsLookupError,
    ConnectionAccessDenied,
    ConnectionNotFound,
    ConnectionUnavailable,
    CredentialsNotFound,
    EndpointUnreachable,
)
from pulumi_codestar_connections.core.vocabulary import CONSOLE_HINT

__all__ = ["count_attempts", "translated"]


class _LastCall(threading.local):
    """The attempts of the latest botocore call on this thread (None: none yet)."""

    attempts: int | None = None


_last_call = _LastCall()


def _record_attempt(attempts: int | None = None, **_: Any) -> None:
    # botocore emits needs-retry after every attempt, on the calling thread, with its number;
    # returning None leaves the retry decision to botocore's own handler.
    if attempts is not None:
        _last_call.attempts = attempts


def count_attempts(client: Any) -> None:
    """Make ``client``'s calls count their attempts for the messages of :func:`translated`."""
    client.meta.events.register(
        "needs-retry", _record_attempt, unique_id="codestar-connections-count-attempts"
    )


@contextmanager
def translated(operation: str, subject: str, service: str, region: str) -> Iterator[None]:
    """Turn botocore's exceptions into ours, with a message that says what to do."""
    _last_call.attempts = None
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
    except ResponseParserError as error:
        # Not a BotoCoreError: an answer that is not AWS's (a proxy's page, another service).
        raise _unreachable(error, operation, subject, service, region) from None


def _unreachable(
    error: Exception, operation: str, subject: str, service: str, region: str
) -> EndpointUnreachable:
    attempts = _last_call.attempts
    tried = f" after {attempts} attempt(s)" if attempts else ""
    cause = " ".join(f"{type(error).__name__}: {error}".split())
    if len(cause) > 300:
        cause = f"{cause[:300]}…"
    return EndpointUnreachable(
        f"could not reach the {service} endpoint in {region}: {operation} for {subject} "
        f"failed{tried} ({cause}): check the network, the region and AWS_ENDPOINT_URL if "
        "you set it",
        operation=operation,
        code=type(error).__name__,
        attempts=attempts,
    )


def _from_client_error(
    error: ClientError, operation: str, subject: str, service: str, region: str
) -> AwsLookupError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", "Unknown"))
    aws_message = str(details.get("Message", "")).strip() or "no message"
    attempts = int(error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
    said = f"({code}: {aws_message})"
    if code == "ResourceNotFoundException" and operation != "GetConnection":
        # Only GetConnection saying so means the connection is gone (and `pulumi refresh` drops
        # it). Its tags or host missing, after GetConnection found it, is an error to show.
        return AwsLookupError(
            f"{subject} not found in {region} {said}, though GetConnection found the connection: "
            f"if it is being deleted, run again; else check it under {CONSOLE_HINT}",
            operation=operation,
            code=code,
            attempts=attempts,
        )
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
            f"check the connection under {CONSOLE_HINT}",
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
    if code in {"ValidationException", "SerializationException"}:
        return AwsLookupError(
            f"AWS refused {operation} for {subject} in {region} as invalid {said}: check the "
            "values given (retrying will not help)",
            operation=operation,
            code=code,
            attempts=attempts,
        )
    return AwsLookupError(
        f"{operation} for {subject} in {region} failed after {attempts} attempt(s) {said}: "
        "retry later; raise AWS_MAX_ATTEMPTS (or stack config codestar:maxAttempts) if AWS keeps "
        "throttling",
        operation=operation,
        code=code,
        attempts=attempts,
    )
