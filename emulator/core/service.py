"""What the generic plumbing needs of a service: its APIs, its operations, its control routes.

A service is described by botocore's own models (:class:`ServiceApi`: one per API name, e.g.
codestar-connections and codeconnections), answers the operations it supports
(:meth:`Service.call`) and may add routes to the control API. The model says which protocol an
API speaks: AWS JSON 1.0 or 1.1 (:mod:`.protocol`, routed by ``X-Amz-Target``) or Query
(:mod:`.query`, routed by ``Action`` and the signing service). The protocols and the control API
(:mod:`.control`) know nothing else of a service, so several are served side by side
(CodeStar Connections, Organizations, STS).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from botocore.model import OperationModel, ServiceModel

from emulator.core.callers import Caller, root_caller

__all__ = [
    "ControlSurface",
    "RequestContext",
    "Route",
    "Service",
    "ServiceApi",
    "resolve_target",
]

Route = Callable[[dict[str, object]], object]
"""A control API endpoint: the decoded JSON body in, a JSON-able answer out."""


@dataclass(frozen=True)
class ServiceApi:
    """One API of a service, as botocore's model describes it."""

    name: str
    model: ServiceModel

    @property
    def protocol(self) -> str:
        """``json`` or ``query``: the one of the API's protocols the emulator speaks.

        A model may list several (codeconnections: ``smithy-rpc-v2-cbor`` first, then ``json``);
        the SDKs pick one they support, and every SDK supports these two.
        """
        metadata = self.model.metadata
        spoken = metadata.get("protocols") or [metadata["protocol"]]
        for protocol in ("json", "query"):
            if protocol in spoken:
                return protocol
        return str(metadata["protocol"])

    @property
    def content_type(self) -> str:
        """The Content-Type of a JSON API's requests and answers: ``application/x-amz-json-1.1``."""
        return f"application/x-amz-json-{self.model.metadata.get('jsonVersion', '1.0')}"

    @property
    def signing_name(self) -> str:
        """The service in the SigV4 credential scope: ``sts``, ``organizations``."""
        metadata = self.model.metadata
        return str(metadata.get("signingName") or metadata["endpointPrefix"])

    @property
    def target_prefix(self) -> str:
        """The full prefix botocore sends: ``com.amazonaws.<...>.CodeConnections_20231201``.

        Empty for a Query API, which has none.
        """
        return str(self.model.metadata.get("targetPrefix", ""))

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
    caller: Caller | None = None
    """The principal that signed (None: the account's root user, see :attr:`principal`)."""

    @property
    def scope(self) -> tuple[str, str]:
        """(account, region): where AWS keeps the records a request sees."""
        return (self.account, self.region)

    @property
    def principal(self) -> Caller:
        return self.caller or root_caller(self.account, self.account)


class ControlSurface(Protocol):
    """Something with control routes of its own and state the control API's reset clears."""

    def control_routes(self) -> Mapping[tuple[str, str], Route]:
        """Control endpoints, by (method, name under ``/_emulator/``)."""
        ...

    def reset(self) -> None:
        """Forget every record (the control API's reset)."""
        ...


class Service(ControlSurface, Protocol):
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


def resolve_target(apis: tuple[ServiceApi, ...], target: str) -> tuple[ServiceApi, str] | None:
    """The API and operation name an ``X-Amz-Target`` header names; None for a foreign prefix.

    The operation name is returned even when the API has no such operation, so the caller can
    tell "unknown operation" from "not this service" in its error message.
    """
    prefix, _, operation = target.rpartition(".")
    for api in apis:
        if api.target_prefix and prefix in (api.target_prefix, api.short_target_prefix):
            return api, operation
    return None
