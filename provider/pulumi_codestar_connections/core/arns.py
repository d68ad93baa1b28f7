"""Parse and validate CodeStar connection ARNs. Pure: no network, no client.

A connection ARN looks like
``arn:aws:codestar-connections:eu-west-1:123456789012:connection/0f1e2d3c-…``; since 2024
AWS also issues ``arn:aws:codeconnections:…`` ARNs. The service and region of the client that
reads a connection come from its ARN, so a bad ARN is rejected here, before any API call.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .botocore_data import load_data
from .errors import InvalidConnectionArn
from .vocabulary import DEFAULT_SERVICE, NEWER_SERVICE, SERVICES

__all__ = [
    "ARN_EXAMPLE",
    "HOST_ARN_EXAMPLE",
    "ConnectionArn",
    "host_arn_refused",
    "host_arn_service",
    "parse_connection_arn",
    "partition_of_region",
]

ARN_EXAMPLE = (
    "a connection ARN like arn:aws:codestar-connections:<region>:<12-digit account>:"
    "connection/<id> (the service may also be codeconnections)"
)
# The service models cap ConnectionArn at 256 characters and the id at [\w-]+.
_MAX_LENGTH = 256
_ACCOUNT = re.compile(r"[0-9]{12}")
# botocore's own check of a region name (a DNS label), lower case as every AWS region is. The
# partition patterns alone are not enough: their ``\w``/``\d`` accept non-ASCII letters and
# digits, and their ``$`` a trailing newline, all of which botocore then refuses.
_REGION_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SERVICE_NAME = re.compile(r"[a-z0-9-]+")
_CONNECTION_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True, slots=True)
class ConnectionArn:
    """The parts of a connection ARN."""

    partition: str
    service: str
    region: str
    account_id: str
    connection_id: str

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:{self.service}:{self.region}:"
            f"{self.account_id}:connection/{self.connection_id}"
        )


@functools.cache
def _partition_regions() -> dict[str, re.Pattern[str]]:
    # botocore ships the partition table (aws, aws-cn, aws-us-gov, the iso partitions, …) as
    # local data; reading it keeps us current with new partitions without a network call.
    data = load_data("partitions.json")
    return {p["id"]: re.compile(p["regionRegex"]) for p in data["partitions"]}


def partition_of_region(region: str) -> str | None:
    """The partition whose region pattern matches ``region``, or None."""
    if not _REGION_NAME.fullmatch(region):
        return None
    for partition, pattern in _partition_regions().items():
        if pattern.match(region):
            return partition
    return None


def parse_connection_arn(value: object, *, field: str | None = None) -> ConnectionArn:
    """Return the parts of ``value`` or raise :class:`InvalidConnectionArn`.

    ``field`` names the input at the start of the message (a config key, a flag), so the person
    reading it knows which value to fix; leave it out where the caller names it already (Pulumi
    prints the property name beside a Check failure).
    """
    named = f"{field}: " if field else ""

    def invalid(why: str) -> InvalidConnectionArn:
        shown = value if isinstance(value, str) and len(value) <= 300 else f"{str(value)[:80]}…"
        return InvalidConnectionArn(f"{named}{shown!r} {why}; expected {ARN_EXAMPLE}")

    if not isinstance(value, str):
        raise InvalidConnectionArn(f"{named}got {_kind(value)}; expected {ARN_EXAMPLE}")
    if not value.strip():
        raise InvalidConnectionArn(f"{named}the connection ARN is empty; expected {ARN_EXAMPLE}")
    if value != value.strip():
        raise invalid("has leading or trailing whitespace")
    if len(value) > _MAX_LENGTH:
        raise invalid(f"is {len(value)} characters long, more than AWS allows ({_MAX_LENGTH})")
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise invalid("is not an ARN")
    _, partition, service, region, account, resource = parts
    partitions = _partition_regions()
    if partition not in partitions:
        raise invalid(f"has unknown partition {partition!r} (known: {', '.join(partitions)})")
    if service not in SERVICES:
        # A plain service name as is (an s3 ARN); anything odd quoted, so it stays on one line.
        if not service:
            kind = "service-less"
        else:
            kind = service if _SERVICE_NAME.fullmatch(service) else repr(service)
        raise invalid(f"is a {kind} ARN, not a CodeStar connection ARN")
    if resource.startswith("host/"):
        raise invalid("is a host ARN, not a connection ARN")
    if not (_REGION_NAME.fullmatch(region) and partitions[partition].match(region)):
        raise invalid(f"has region {region!r}, which is not a region of partition {partition!r}")
    if not _ACCOUNT.fullmatch(account):
        raise invalid(f"has account {account!r}; an account id is 12 digits")
    kind, _, connection_id = resource.partition("/")
    if kind != "connection":
        raise invalid(f"names a {kind!r} resource, not a connection")
    if not _CONNECTION_ID.fullmatch(connection_id):
        raise invalid("has a malformed connection id (letters, digits, '-' and '_' only)")
    return ConnectionArn(partition, service, region, account, connection_id)


def _kind(value: object) -> str:
    """How a person would name a non-string value (config and state values are JSON-like)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


# The service models' HostArn pattern, read as AWS (Java) reads it: \w is ASCII, and `.` stops
# at every line terminator.
_ANY = "[^\n\r\x85\u2028\u2029]"
_HOST_ARN = re.compile(
    rf"arn:aws(-\w+)*:(?P<service>{'|'.join(SERVICES)}):{_ANY}+:[0-9]{{12}}:"
    rf"host/{_ANY}+",
    re.ASCII,
)
HOST_ARN_EXAMPLE = (
    f"arn:aws:{DEFAULT_SERVICE}:<region>:<12-digit account>:host/<name>-<id> "
    f"({_MAX_LENGTH} characters at most)"
)


def host_arn_service(value: object) -> str | None:
    """The service a host ARN names (codestar-connections / codeconnections), None if malformed."""
    if not isinstance(value, str) or len(value) > _MAX_LENGTH:
        return None
    matched = _HOST_ARN.fullmatch(value)
    return matched["service"] if matched else None


def host_arn_refused(host_arn: str, service: str) -> str | None:
    """Why ``service`` refuses this (well-formed) host ARN, or None.

    The codestar-connections model takes only its own host ARNs; codeconnections takes both.
    """
    if service == DEFAULT_SERVICE and host_arn_service(host_arn) != service:
        return (
            f"{host_arn!r} is a {NEWER_SERVICE} host ARN; {DEFAULT_SERVICE} takes only "
            f"{DEFAULT_SERVICE} ones"
        )
    return None
