"""CodeStar Connections (and CodeConnections) as a service the emulator's plumbing answers.

Its APIs come from botocore's models (apis.py), its operations from operations.py over the
Backend's records (backend.py), and its control routes are here::

    POST   /_emulator/status       {"ConnectionArn", "ConnectionStatus"} or
                                   {"HostArn", "HostStatus", "StatusMessage"?}
    POST   /_emulator/connections  {"ConnectionName", "ProviderType" | "HostArn", "Region"?,
                                    "Account"?, "ConnectionStatus"?, "Service"?, "Tags"?}
                                   -> {"ConnectionArn"}
    POST   /_emulator/connections/batch
                                   {"Connections": [{...as above}, ...]} -> {"ConnectionArns"}
                                   (all or none; the state file is written once)
    GET    /_emulator/state        {"Version", "NextSequence", "Connections": [...], "Hosts": [...]}
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from emulator.codestar_connections.apis import SERVICE_NAMES, apis, provider_types
from emulator.codestar_connections.backend import Backend
from emulator.codestar_connections.operations import HANDLERS
from emulator.codestar_connections.persistence import state_to_json
from emulator.codestar_connections.records import CONNECTION_STATUSES, ConnectionSeed
from emulator.core.errors import ValidationException
from emulator.core.jsonfields import (
    optional_str,
    require_list,
    require_object,
    require_str,
    string_map,
)
from emulator.core.service import RequestContext, Route, ServiceApi

__all__ = ["CodestarConnections"]

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_ACCOUNT = re.compile(r"\d{12}")


class CodestarConnections:
    """The service over one Backend; ``account`` is the default account of seeded records."""

    title = "CodeStar Connections"
    apis_title = "CodeStar Connections or CodeConnections"
    arn_members: tuple[str, ...] = ("ConnectionArn", "HostArn", "ResourceArn")

    def __init__(self, backend: Backend, *, account: str) -> None:
        self._backend = backend
        self._account = account
        self._provider_types = {name: provider_types(name) for name in SERVICE_NAMES}

    @property
    def apis(self) -> tuple[ServiceApi, ...]:
        return apis()

    def supports(self, operation: str) -> bool:
        return operation in HANDLERS

    def call(
        self, operation: str, context: RequestContext, params: dict[str, object]
    ) -> dict[str, object]:
        return HANDLERS[operation](self._backend, context, params)

    def control_routes(self) -> Mapping[tuple[str, str], Route]:
        return {
            ("POST", "status"): self._set_status,
            ("POST", "connections"): self._create_connection,
            ("POST", "connections/batch"): self._create_connections,
            ("GET", "state"): lambda _: state_to_json(self._backend.snapshot()),
        }

    def reset(self) -> None:
        self._backend.reset()

    def _set_status(self, body: dict[str, object]) -> object:
        connection_arn = optional_str(body, "ConnectionArn")
        if connection_arn is not None:
            record = self._backend.set_connection_status(
                connection_arn, require_str(body, "ConnectionStatus")
            )
            return {
                "ConnectionArn": record.connection_arn,
                "ConnectionStatus": record.connection_status,
            }
        host_arn = optional_str(body, "HostArn")
        if host_arn is not None:
            host = self._backend.set_host_status(
                host_arn, require_str(body, "HostStatus"), optional_str(body, "StatusMessage")
            )
            return {"HostArn": host.host_arn, "HostStatus": host.status}
        raise ValidationException(
            "Give ConnectionArn and ConnectionStatus, or HostArn and HostStatus"
        )

    def _create_connection(self, body: dict[str, object]) -> object:
        [record] = self._backend.seed_connections([self._seed(body)])
        return {"ConnectionArn": record.connection_arn}

    def _create_connections(self, body: dict[str, object]) -> object:
        items = require_list(body.get("Connections"), "Connections")
        seeds = [self._seed(require_object(item, "each of Connections")) for item in items]
        return {
            "ConnectionArns": [
                record.connection_arn for record in self._backend.seed_connections(seeds)
            ]
        }

    def _seed(self, body: dict[str, object]) -> ConnectionSeed:
        """A checked seeding request (it may go past the quota so tests can reach the limit)."""
        name = require_str(body, "ConnectionName")
        if not 1 <= len(name) <= 32:
            raise ValidationException("ConnectionName must be 1 to 32 characters long")
        service_name = optional_str(body, "Service") or "codestar-connections"
        if service_name not in SERVICE_NAMES:
            raise ValidationException(f"Service must be one of {', '.join(SERVICE_NAMES)}")
        region = optional_str(body, "Region") or "us-east-1"
        if not _REGION.fullmatch(region):
            raise ValidationException(f"Region {region!r} is not a region name")
        account = optional_str(body, "Account") or self._account
        if not _ACCOUNT.fullmatch(account):
            raise ValidationException("Account must be 12 digits")
        status = optional_str(body, "ConnectionStatus") or "AVAILABLE"
        if status not in CONNECTION_STATUSES:
            raise ValidationException(
                f"ConnectionStatus must be one of {', '.join(CONNECTION_STATUSES)}"
            )
        provider_type = optional_str(body, "ProviderType")
        if provider_type is not None:
            allowed = self._provider_types[service_name]
            if provider_type not in allowed:
                raise ValidationException(
                    f"ProviderType must be one of {', '.join(allowed)} for {service_name}"
                )
        tags = body.get("Tags")
        return ConnectionSeed(
            scope=(account, region),
            service=service_name,
            name=name,
            provider_type=provider_type,
            host_arn=optional_str(body, "HostArn"),
            tags=None if tags is None else string_map(tags, "Tags"),
            status=status,
        )
