"""The AWS JSON surface: AWS JSON 1.0 and 1.1 requests in, answers of the same version out.

A request names its API and operation in ``X-Amz-Target`` (CodeStar Connections and
CodeConnections speak 1.0, Organizations 1.1). Steps, in the order AWS applies them (an earlier
failure hides a later one): body size -> Authorization present -> credentials usable (issued
session not expired, region enabled for the account) -> Content-Type and X-Amz-Target known ->
injected fault -> operation supported -> body is a JSON object -> members match the service
model -> the operation itself. Every request, refused or not, is written to the call log.

A Content-Type other than the API's names another protocol (AWS answers such requests with
UnknownOperationException); a request without one is read as the API's. A request whose target
names no API is answered for the API its SigV4 scope was signed for, else for the first one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from emulator.core.calls import Call, CallLog
from emulator.core.errors import (
    AwsError,
    RequestEntityTooLargeException,
    SerializationException,
    UnknownOperationException,
    UnsupportedOperationException,
)
from emulator.core.faults import FaultInjector
from emulator.core.identity import Identity
from emulator.core.service import RequestContext, Service, ServiceApi, resolve_target
from emulator.core.shapes import conform_to_shape, validate_input
from emulator.core.sigv4 import scope_service
from emulator.core.surface import AwsSurface
from emulator.core.wire import (
    MAX_BODY_BYTES,
    HttpRequest,
    HttpResponse,
    error_response,
    json_response,
    media_type,
)

__all__ = ["AwsProtocol"]


class AwsProtocol(AwsSurface):
    """The AWS JSON APIs of ``services``: every request checked in AWS's order, logged, answered."""

    def __init__(
        self,
        services: Service | Sequence[Service],
        faults: FaultInjector,
        calls: CallLog,
        *,
        account: str | None = None,
        identity: Identity | None = None,
    ) -> None:
        if identity is None:
            if account is None:
                raise TypeError("give the default account or an Identity")
            identity = Identity(default_account=account)
        chosen = (services,) if not isinstance(services, Sequence) else tuple(services)
        json_services = [s for s in chosen if any(a.protocol == "json" for a in s.apis)]
        super().__init__(json_services, faults, calls, identity)
        self._apis = tuple(
            api for service in self._services for api in service.apis if api.protocol == "json"
        )
        if not self._apis:
            raise ValueError("no service speaks AWS JSON")

    def _dispatch(self, request: HttpRequest, call: Call, request_id: str) -> HttpResponse:
        if request.oversized:
            raise RequestEntityTooLargeException(
                f"Request body exceeds the limit of {MAX_BODY_BYTES} bytes"
            )
        params, body_error = _decode_body(request.body)
        target = request.headers.get("x-amz-target", "")
        resolved = resolve_target(self._apis, target)
        api = resolved[0] if resolved is not None else self._fallback_api(request)
        service = self._service_of(api)
        call.arn = _arn_in(params, service.arn_members)
        if resolved is not None:
            call.service, call.operation = resolved[0].name, resolved[1]

        caller, region = self._authenticate(request, call)
        content_type = request.headers.get("content-type")
        if content_type is not None and media_type(content_type) != api.content_type:
            raise UnknownOperationException(
                f"Unknown operation: Content-Type {content_type!r} is not "
                f"{api.content_type}, the protocol of this API"
            )
        if resolved is None:
            raise UnknownOperationException(
                f"Unknown operation: X-Amz-Target {target!r} names no {service.apis_title} "
                "operation"
                if target
                else "Unknown operation: the X-Amz-Target header is missing"
            )
        operation_name = resolved[1]
        operation = api.operation(operation_name)
        if operation is None:
            raise UnknownOperationException(
                f"Unknown operation: {api.name} has no operation {operation_name!r}"
            )

        fault_response = self._apply_fault(operation_name)
        if fault_response is not None:
            return fault_response

        if not service.supports(operation_name):
            raise UnsupportedOperationException(
                f"{operation_name} is not supported by the {service.title} emulator"
            )
        if body_error is not None:
            raise body_error
        validate_input(operation.input_shape, params)
        result = service.call(
            operation_name,
            RequestContext(service=api.name, account=caller.account, region=region, caller=caller),
            params,
        )
        return json_response(
            200, conform_to_shape(operation.output_shape, result), content_type=api.content_type
        )

    def _error(self, error: AwsError, request: HttpRequest, request_id: str) -> HttpResponse:
        target = request.headers.get("x-amz-target", "")
        resolved = resolve_target(self._apis, target)
        api = resolved[0] if resolved is not None else self._fallback_api(request)
        return error_response(error, content_type=api.content_type)

    def _fallback_api(self, request: HttpRequest) -> ServiceApi:
        """The API a request without a known target is answered for: its signing service's."""
        signed_for = scope_service(request.headers)
        for api in self._apis:
            if api.signing_name == signed_for:
                return api
        return self._apis[0]


def _decode_body(body: bytes) -> tuple[dict[str, object], AwsError | None]:
    """The JSON object in the body, or the error to answer with once the operation is known."""
    # botocore sends "{}" for no members, but an empty body means the same to AWS.
    if not body.strip():
        return {}, None
    try:
        decoded = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return {}, SerializationException("Request body is not valid JSON")
    except RecursionError:
        # [[[[…: a megabyte of brackets nests deeper than the parser's recursion limit.
        return {}, SerializationException("Request body is nested too deeply")
    if not isinstance(decoded, dict):
        return {}, SerializationException("Request body must be a JSON object")
    return decoded, None


def _arn_in(params: dict[str, object], members: tuple[str, ...]) -> str | None:
    for member in members:
        value = params.get(member)
        if isinstance(value, str):
            return value
    return None
