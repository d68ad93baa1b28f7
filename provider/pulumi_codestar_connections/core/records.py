"""The typed records (connection, host, details) and the one mapping between AWS's shape and ours.

AWS answers ``{"ConnectionName": …, "ConnectionArn": …}`` (PascalCase); Pulumi state and stack
outputs use camelCase (``connectionName``), as pulumi-aws does; Python attributes use
snake_case (``connection_name``). Nobody else in the project touches the raw dicts.

A listing (every connection of one account and region, the ``Connections`` resource) is
summarised here too, from its connections' outputs: :func:`listing_outputs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .vocabulary import STATUSES

__all__ = [
    "CONNECTION_FIELDS",
    "LISTING_FIELDS",
    "NO_HOST",
    "NO_HOST_DETAILS",
    "OUTPUT_FIELDS",
    "ConnectionDetails",
    "ConnectionRecord",
    "HostRecord",
    "camel_to_snake",
    "listing_outputs",
    "snake_to_camel",
    "status_counts",
]

# (AWS member, state/output key, Python attribute), in the order people read them.
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("ConnectionArn", "connectionArn", "connection_arn"),
    ("ConnectionName", "connectionName", "connection_name"),
    ("ProviderType", "providerType", "provider_type"),
    ("OwnerAccountId", "ownerAccountId", "owner_account_id"),
    ("ConnectionStatus", "connectionStatus", "connection_status"),
    ("HostArn", "hostArn", "host_arn"),
)
# GetConnection's members as state keys (the CLI prints them as AWS names them: to_api()).
CONNECTION_FIELDS: tuple[str, ...] = tuple(key for _, key, _ in _FIELDS)
# Every output of the resource: the connection, its tags and host, and where it was read.
# Check records all of them in the resource's inputs as ``observed``, so that a change of any
# of them in AWS shows as a diff in a plain `pulumi preview` (see engine/steps.py for why).
OUTPUT_FIELDS: tuple[str, ...] = (*CONNECTION_FIELDS, "tags", "host", "service", "region")
# What state and stack outputs hold for hostArn when AWS omits it (cloud providers). Not null:
# Pulumi drops null properties from state, and a missing property reads as *unknown* in every
# later preview ("+ hostArn: [unknown]"), noise in exactly the drift checks this project is for.
# The Python attribute still gives None (see resource.py). Terraform's data source does the same.
# The ``host`` output is {} for the same reason (and stays {} in Python: see resource.py).
NO_HOST = ""
NO_HOST_DETAILS: dict[str, Any] = {}
# State name → Python name, wherever they differ (one-word names are the same in both). The SDK
# applies this to nested dict keys too (tags!), so it holds nothing a tag would plausibly use.
_CAMEL_TO_SNAKE = {
    **{key: attr for _, key, attr in _FIELDS},
    "requireStatus": "require_status",
    "assumeRoleArn": "assume_role_arn",
    "externalId": "external_id",
    "sessionName": "session_name",
    # A listing's (the Connections resource's) own.
    "providerTypeFilter": "provider_type_filter",
    "hostArnFilter": "host_arn_filter",
    "byName": "by_name",
    "ambiguousNames": "ambiguous_names",
}
_SNAKE_TO_CAMEL = {attr: key for key, attr in _CAMEL_TO_SNAKE.items()}
# Every output of a listing (the Connections resource), in the order people read them:
# ``connections`` holds each connection's OUTPUT_FIELDS, sorted by ARN.
LISTING_FIELDS: tuple[str, ...] = (
    "connections",
    "byName",
    "ambiguousNames",
    "count",
    "statuses",
    "service",
    "region",
)


def camel_to_snake(key: str) -> str:
    """``connectionStatus`` → ``connection_status``; other keys pass unchanged."""
    return _CAMEL_TO_SNAKE.get(key, key)


def snake_to_camel(key: str) -> str:
    """``connection_status`` → ``connectionStatus``; other keys pass unchanged."""
    return _SNAKE_TO_CAMEL.get(key, key)


@dataclass(frozen=True, slots=True)
class ConnectionRecord:
    """A connection as GetConnection describes it."""

    connection_arn: str
    connection_name: str
    provider_type: str
    owner_account_id: str
    connection_status: str
    host_arn: str | None = None

    @classmethod
    def from_api(cls, connection: Mapping[str, Any]) -> ConnectionRecord:
        """Build from the ``Connection`` member of a GetConnection/ListConnections answer."""
        return cls(
            connection_arn=connection["ConnectionArn"],
            connection_name=connection["ConnectionName"],
            provider_type=connection["ProviderType"],
            owner_account_id=connection["OwnerAccountId"],
            connection_status=connection["ConnectionStatus"],
            # AWS omits HostArn for cloud providers (GitHub, GitLab, Bitbucket).
            host_arn=connection.get("HostArn"),
        )

    def to_api(self) -> dict[str, str]:
        """The AWS-shaped document (``aws codestar-connections get-connection``'s Connection)."""
        document = {member: getattr(self, attr) for member, _, attr in _FIELDS}
        if self.host_arn is None:
            del document["HostArn"]
        return document

    def to_outputs(self) -> dict[str, str]:
        """State/output keys → values; ``hostArn`` is :data:`NO_HOST` when AWS omits it."""
        outputs = {key: getattr(self, attr) for _, key, attr in _FIELDS}
        outputs["hostArn"] = self.host_arn or NO_HOST
        return outputs


_VPC_FIELDS = (
    ("VpcId", "vpcId"),
    ("SubnetIds", "subnetIds"),
    ("SecurityGroupIds", "securityGroupIds"),
    ("TlsCertificate", "tlsCertificate"),
)


@dataclass(frozen=True, slots=True)
class HostRecord:
    """The host behind a GitHub Enterprise Server / GitLab self-managed connection (GetHost)."""

    name: str
    status: str
    provider_type: str
    provider_endpoint: str
    vpc_configuration: dict[str, Any] | None = None

    @classmethod
    def from_api(cls, host: Mapping[str, Any]) -> HostRecord:
        vpc = host.get("VpcConfiguration")
        return cls(
            name=host["Name"],
            status=host["Status"],
            provider_type=host["ProviderType"],
            provider_endpoint=host["ProviderEndpoint"],
            vpc_configuration=(
                {key: vpc[member] for member, key in _VPC_FIELDS if member in vpc} if vpc else None
            ),
        )

    def to_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "providerEndpoint": self.provider_endpoint,
        }
        if self.vpc_configuration:
            output["vpcConfiguration"] = dict(self.vpc_configuration)
        return output


@dataclass(frozen=True, slots=True)
class ConnectionDetails:
    """Everything the resource reports: the connection, its tags, its host, where it lives."""

    connection: ConnectionRecord
    tags: dict[str, str]
    host: HostRecord | None
    service: str
    region: str

    def to_outputs(self) -> dict[str, Any]:
        """State/output keys → values, with no null anywhere (see :data:`NO_HOST`)."""
        return {
            **self.connection.to_outputs(),
            "tags": dict(self.tags),
            "host": self.host.to_output() if self.host else dict(NO_HOST_DETAILS),
            "service": self.service,
            "region": self.region,
        }


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many connections are in each status: every known status (0 if none), then any other."""
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


def listing_outputs(
    connections: Iterable[Mapping[str, Any]], *, service: str, region: str
) -> dict[str, Any]:
    """A listing's outputs (:data:`LISTING_FIELDS`) from its connections' outputs.

    ``connections`` are sorted by ARN, so that the list does not change when AWS lists them
    in another order. AWS lets connections share a name: ``byName`` maps each name that one
    connection holds to its ARN, and ``ambiguousNames`` each name that several hold to all
    their ARNs (sorted). Every connection is under its name in exactly one of the two.
    """
    ordered = sorted((dict(c) for c in connections), key=lambda c: str(c["connectionArn"]))
    arns_by_name: dict[str, list[str]] = {}
    for connection in ordered:
        arns_by_name.setdefault(connection["connectionName"], []).append(
            connection["connectionArn"]
        )
    names = sorted(arns_by_name)
    return {
        "connections": ordered,
        "byName": {name: arns_by_name[name][0] for name in names if len(arns_by_name[name]) == 1},
        "ambiguousNames": {
            name: arns_by_name[name] for name in names if len(arns_by_name[name]) > 1
        },
        "count": len(ordered),
        "statuses": status_counts(c["connectionStatus"] for c in ordered),
        "service": service,
        "region": region,
    }
