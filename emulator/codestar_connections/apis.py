"""The two APIs of the service, described by botocore's own service models.

``codestar-connections`` (2019) and ``codeconnections`` (2023) are the same AWS service under two
names. Using botocore's models means the emulator knows exactly the operations, members and
constraints the SDKs send, and stays in step when botocore is upgraded.
"""

from __future__ import annotations

import functools

import botocore.loaders
from botocore.model import ServiceModel, StringShape

from emulator.core.service import ServiceApi

__all__ = ["SERVICE_NAMES", "apis", "provider_types", "service_by_name"]

SERVICE_NAMES = ("codestar-connections", "codeconnections")


@functools.cache
def apis() -> tuple[ServiceApi, ...]:
    loader = botocore.loaders.create_loader()
    return tuple(
        ServiceApi(name, ServiceModel(loader.load_service_model(name, "service-2"), name))
        for name in SERVICE_NAMES
    )


def service_by_name(name: str) -> ServiceApi:
    for api in apis():
        if api.name == name:
            return api
    raise KeyError(name)


def provider_types(service_name: str) -> list[str]:
    """The ProviderType values of an API's model (AzureDevOps: codeconnections only)."""
    shape = service_by_name(service_name).model.shape_for("ProviderType")
    return list(shape.enum) if isinstance(shape, StringShape) else []
