"""Validation rules, each written once: a function that returns why a value is refused, or None.

The resource's inputs (:mod:`..engine.inputs`) and the CLI's arguments (:mod:`..cli.lookup`)
wrap a reason in their own error, naming the input or the flag and how to fix it there; every
rule runs before any API call, and accepts nothing AWS would refuse.
"""

from __future__ import annotations

import re

from .arns import HOST_ARN_EXAMPLE, host_arn_refused, host_arn_service, partition_of_region
from .records import ConnectionDetails
from .vocabulary import (
    CONSOLE_PATH,
    DEFAULT_SERVICE,
    NEWER_SERVICE,
    SERVICES,
    STATUS_MEANING,
    STATUSES,
    provider_types,
)

__all__ = [
    "external_id_reason",
    "host_arn_reason",
    "provider_type_reason",
    "region_reason",
    "required_status_reason",
    "role_arn_reason",
    "service_reason",
    "session_name_reason",
    "status_reason",
]

# The service models' own patterns (RoleSessionName, ExternalId) and IAM's role ARN, read as
# AWS (Java) reads them: \w is ASCII.
_ROLE_ARN = re.compile(r"arn:aws(-\w+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}", re.ASCII)
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)


def region_reason(value: object) -> str | None:
    """Why ``value`` is not an AWS region of a known partition."""
    if isinstance(value, str) and partition_of_region(value) is not None:
        return None
    return f"{value!r} is not an AWS region (e.g. eu-west-1)"


def service_reason(value: object) -> str | None:
    """Why ``value`` is not one of the two APIs."""
    if value in SERVICES:
        return None
    return f"{value!r} is not one of {', '.join(SERVICES)}"


def status_reason(value: object) -> str | None:
    """Why ``value`` is not a connection status."""
    if value in STATUSES:
        return None
    return f"{value!r} is not a connection status (one of {', '.join(STATUSES)})"


def required_status_reason(
    details: ConnectionDetails, required: tuple[str, ...], *, field: str = "require_status"
) -> str | None:
    """Why a connection not in one of the ``required`` statuses may not be wired to a pipeline.

    The reason says what the status is, what it means, and where a person fixes it; ``field``
    is the gate's name as the caller's program writes it.
    """
    record = details.connection
    if not required or record.connection_status in required:
        return None
    wanted = " or ".join(required)
    return (
        f"connection {record.connection_name!r} ({record.connection_arn}) is "
        f"{record.connection_status}, not {wanted} as required: "
        f"{STATUS_MEANING.get(record.connection_status, 'unknown status')}. Fix it in the AWS "
        f"console under {CONSOLE_PATH} ({details.region}), or drop {field} to accept it"
    )


def provider_type_reason(value: object, service: str) -> str | None:
    """Why ``service``'s API refuses provider type ``value``."""
    allowed = provider_types(service)
    if value in allowed:
        return None
    if service == DEFAULT_SERVICE and value in provider_types(NEWER_SERVICE):
        return f"{value} exists only in {NEWER_SERVICE}"
    return f"{value!r} is not one of {', '.join(allowed)}"


def host_arn_reason(value: object, service: str | None = None) -> str | None:
    """Why ``value`` is not a host ARN (that ``service``'s API takes, if one is named).

    A malformed value is named as such; a well-formed one that only the other API takes says
    so (:func:`.arns.host_arn_service` tells the two apart).
    """
    if not isinstance(value, str) or host_arn_service(value) is None:
        return f"{value!r} is not a host ARN; expected {HOST_ARN_EXAMPLE}"
    return None if service is None else host_arn_refused(value, service)


def role_arn_reason(value: object) -> str | None:
    """Why ``value`` is not an IAM role ARN."""
    if isinstance(value, str) and _ROLE_ARN.fullmatch(value):
        return None
    return f"{value!r} is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name>"


def external_id_reason(value: object) -> str | None:
    """Why ``value`` is not an STS external id."""
    if isinstance(value, str) and _EXTERNAL_ID.fullmatch(value):
        return None
    return "must be 2 to 1224 characters of letters, digits and +=,.@:/-_"


def session_name_reason(value: object) -> str | None:
    """Why ``value`` is not an STS role session name."""
    if isinstance(value, str) and _SESSION_NAME.fullmatch(value):
        return None
    return "must be 2 to 64 characters of letters, digits and +=,.@-_"
