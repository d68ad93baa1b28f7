"""The two APIs the emulator answers, described by botocore's own service models.

``codestar-connections`` (2019) and ``codeconnections`` (2023) are the same AWS service under two
names. Using botocore's models means the emulator knows exactly the operations, members and
constraints the SDKs send, and stays in step when botocore is upgraded.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import botocore.loaders
from botocore.model import OperationModel, ServiceModel

__all__ = ["SERVICE_NAMES", "ApiService", "resolve_target", "service_by_name"]

SERVICE_NAMES = ("codestar-connections", "codeconnections")


@dataclass(frozen=True)
class ApiService:
    name: str
    model: ServiceModel

    @property
    def target_prefix(self) -> str:
        """The full prefix botocore sends: ``com.amazonaws.<...>.CodeConnections_20231201``."""
        return str(self.model.metadata["targetPrefix"])

    @property
    def short_target_prefix(self) -> str:
        """The last part alone (``CodeConnections_20231201``), which other SDKs send."""
        return self.target_prefix.rsplit(".", 1)[-1]

    def operation(self, name: str) -> OperationModel | None:
        if name not in self.model.operation_names:
            return None
        return self.model.operation_model(name)


@functools.cache
def _services() -> tuple[ApiService, ...]:
    loader = botocore.loaders.create_loader()
    return tuple(
        ApiService(name, ServiceModel(loader.load_service_model(name, "service-2"), name))
        for name in SERVICE_NAMES
    )


def service_by_name(name: str) -> ApiService:
    for service in _services():
        if service.name == name:
            return service
    raise KeyError(name)


def resolve_target(target: str) -> tuple[ApiService, str] | None:
    """The API and operation name an ``X-Amz-Target`` header names; None for a foreign prefix.

    The operation name is returned even when the API has no such operation, so the caller can
    tell "unknown operation" from "not this service" in its error message.
    """
    prefix, _, operation = target.rpartition(".")
    for service in _services():
        if prefix in (service.target_prefix, service.short_target_prefix):
            return service, operation
    return None
