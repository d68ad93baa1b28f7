"""The typed connection record and the one mapping between AWS's shape and our outputs.

AWS answers ``{"ConnectionName": …, "ConnectionArn": …}`` (PascalCase); Pulumi state and stack
outputs use camelCase (``connectionName``), as pulumi-aws does; Python attributes use
snake_case (``connection_name``). Nobody else in the project touches the raw dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NO_HOST",
    "OBSERVED_FIELDS",
    "OUTPUT_FIELDS",
    "ConnectionRecord",
    "camel_to_snake",
    "snake_to_camel",
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
OUTPUT_FIELDS: tuple[str, ...] = tuple(key for _, key, _ in _FIELDS)
# What Check records in the resource's inputs, so that a change of any of these in AWS shows
# as a diff in a plain `pulumi preview` (see lifecycle.py for why inputs, not outputs).
# Every output but the ARN itself, which is an input already.
OBSERVED_FIELDS: tuple[str, ...] = OUTPUT_FIELDS[1:]
# What state and stack outputs hold for hostArn when AWS omits it (cloud providers). Not null:
# Pulumi drops null properties from state, and a missing property reads as *unknown* in every
# later preview ("+ hostArn: [unknown]"), noise in exactly the drift checks this project is for.
# The Python attribute still gives None (see resource.py). Terraform's data source does the same.
NO_HOST = ""
_CAMEL_TO_SNAKE = {key: attr for _, key, attr in _FIELDS}
_SNAKE_TO_CAMEL = {attr: key for _, key, attr in _FIELDS}


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

    def observed(self) -> dict[str, str]:
        """The snapshot Check stores in inputs (a subset of :meth:`to_outputs`)."""
        outputs = self.to_outputs()
        return {key: outputs[key] for key in OBSERVED_FIELDS}

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any]) -> ConnectionRecord:
        """Inverse of :meth:`to_outputs`."""
        values: dict[str, Any] = {attr: outputs.get(key) for _, key, attr in _FIELDS}
        values["host_arn"] = values["host_arn"] or None
        return cls(**values)
