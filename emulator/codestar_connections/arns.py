"""Build and take apart the ARNs of connections and hosts (pure, no state)."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass

__all__ = ["ParsedArn", "connection_arn", "host_arn", "parse_arn"]

_ARN = re.compile(
    r"arn:(?P<partition>aws[\w-]*):(?P<service>[\w-]+):(?P<region>[a-z0-9-]+):"
    r"(?P<account>\d{12}):(?P<resource_type>connection|host)/(?P<resource_id>.+)"
)


@dataclass(frozen=True)
class ParsedArn:
    service: str
    region: str
    account: str
    resource_type: str
    resource_id: str


def connection_arn(service: str, region: str, account: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:connection/{uuid.uuid4()}"


def host_arn(service: str, region: str, account: str, name: str) -> str:
    # AWS appends eight hex digits so that hosts with the same name get distinct ARNs.
    return f"arn:aws:{service}:{region}:{account}:host/{name}-{secrets.token_hex(4)}"


def parse_arn(arn: str) -> ParsedArn | None:
    """The parts of a connection or host ARN, or None when ``arn`` is neither."""
    match = _ARN.fullmatch(arn)
    if match is None:
        return None
    return ParsedArn(
        service=match["service"],
        region=match["region"],
        account=match["account"],
        resource_type=match["resource_type"],
        resource_id=match["resource_id"],
    )
