"""The STS API, described by botocore's own service model (AWS Query protocol, 2011-06-15)."""

from __future__ import annotations

import functools

import botocore.loaders
from botocore.model import ServiceModel

from emulator.core.service import ServiceApi

__all__ = ["SERVICE_NAME", "apis"]

SERVICE_NAME = "sts"


@functools.cache
def apis() -> tuple[ServiceApi, ...]:
    loader = botocore.loaders.create_loader()
    model = ServiceModel(loader.load_service_model(SERVICE_NAME, "service-2"), SERVICE_NAME)
    return (ServiceApi(SERVICE_NAME, model),)
