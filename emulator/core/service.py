"""What the generic plumbing needs of a service: its APIs, its operations, its control routes.

A service is described by botocore's own models (:class:`ServiceApi`: one per API name, e.g.
codestar-connections and codeconnections), answers the operations it supports
(:meth:`Service.call`) and may add routes to the control API. The AWS JSON 1.0 layer
(:mod:`.protocol`) and the control API (:mod:`.control`) know nothing else of it, so a second
service (Organizations, STS) slots in beside the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from botocore.model import OperationModel, ServiceModel

__all__ = ["RequestContext", "Route", "Service", "ServiceApi", "resolve_target"]

Route = Callable[[dict[str, object]], object]
"""A control API endpoint: the decoded JSON body in, a JSON-able answer out."""


@dataclass(frozen=True)
class ServiceApi:
    """One API of a service, as botocore's model describes it."""

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


@dataclass(frozen=True)
class RequestContext:
    """Who asked, where: the API, and the account and region of the caller's SigV4 scope."""

    service: str
    """The API the request came through (new ARNs carry it)."""
    account: str
    region: str

    @property
    def scope(self) -> tuple[str, str]:
        """(account, region): where AWS keeps the records a request sees."""
        return (self.account, self.region)


class Service(Protocol):
    """A service the emulator answers."""

    @property
    def title(self) -> str:
        """How messages name the service: "CodeStar Connections"."""
        ...

    @property
    def apis_title(self) -> str:
        """How messages name its APIs together: "CodeStar Connections or CodeConnections"."""
        ...

    @property
    def apis(self) -> tuple[ServiceApi, ...]:
        """Its APIs (two names of one service, or one)."""
        ...

    @property
    def arn_members(self) -> tuple[str, ...]:
        """Request members whose value the call log shows as the call's ARN."""
        ...

    def supports(self, operation: str) -> bool:
        """Whether :meth:`call` answers ``operation`` (an operation of one of :attr:`apis`)."""
        ...

    def call(
        self, operation: str, context: RequestContext, params: dict[str, object]
    ) -> dict[str, object]:
        """Answer a validated request; raise an :class:`.errors.AwsError` to refuse it."""
        ...

    def control_routes(self) -> Mapping[tuple[str, str], Route]:
        """The service's own control endpoints, by (method, name under ``/_emulator/``)."""
        ...

    def reset(self) -> None:
        """Forget every record (the control API's reset)."""
        ...


def resolve_target(apis: tuple[ServiceApi, ...], target: str) -> tuple[ServiceApi, str] | None:
    """The API and operation name an ``X-Amz-Target`` header names; None for a foreign prefix.

    The operation name is returned even when the API has no such operation, so the caller can
    tell "unknown operation" from "not this service" in its error message.
    """
    prefix, _, operation = target.rpartition(".")
    for api in apis:
        if prefix in (api.target_prefix, api.short_target_prefix):
            return api, operation
    return None
