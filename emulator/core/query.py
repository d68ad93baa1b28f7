"""The AWS Query surface (STS): form-encoded ``Action=…&Version=…`` requests in, XML out.

A request is Query when it has no ``X-Amz-Target`` and a form Content-Type; its API is the one
its SigV4 scope was signed for (``sts``), its operation the form's ``Action``. Steps, in AWS's
order: body size -> Authorization present -> credentials usable (issued session not expired,
region enabled) -> Action (and Version) known -> injected fault -> operation supported ->
members match the service model -> the operation itself. Answers are rendered from botocore's
output shape (:mod:`.xml_output`), errors as ``<ErrorResponse>`` with the code and HTTP status
AWS's Query services use (:attr:`.errors.AwsError.query_code`). Every request is logged.
"""

from __future__ import annotations

from collections.abc import Sequence

from emulator.core.calls import Call, CallLog
from emulator.core.errors import (
    AwsError,
    InvalidActionException,
    RequestEntityTooLargeException,
    UnsupportedOperationException,
)
from emulator.core.faults import FaultInjector
from emulator.core.identity import Identity
from emulator.core.query_input import decode_form, params_from_form
from emulator.core.service import RequestContext, Service, ServiceApi
from emulator.core.shapes import validate_input
from emulator.core.sigv4 import scope_service
from emulator.core.surface import AwsSurface
from emulator.core.wire import (
    FORM_CONTENT_TYPE,
    MAX_BODY_BYTES,
    HttpRequest,
    HttpResponse,
    media_type,
    xml_response,
)
from emulator.core.xml_output import error_document, response_document

__all__ = ["QueryProtocol"]


class QueryProtocol(AwsSurface):
    """The Query APIs of ``services`` (those whose model says ``protocol: query``)."""

    def __init__(
        self,
        services: Sequence[Service],
        faults: FaultInjector,
        calls: CallLog,
        identity: Identity,
    ) -> None:
        query_services = [s for s in services if any(a.protocol == "query" for a in s.apis)]
        super().__init__(query_services, faults, calls, identity)
        self._apis = tuple(
            api for service in self._services for api in service.apis if api.protocol == "query"
        )

    def accepts(self, request: HttpRequest) -> bool:
        """Whether ``request`` is a Query request (for a Query API this server has)."""
        if not self._apis or "x-amz-target" in request.headers:
            return False
        content_type = request.headers.get("content-type")
        return content_type is not None and media_type(content_type) == FORM_CONTENT_TYPE

    def _dispatch(self, request: HttpRequest, call: Call, request_id: str) -> HttpResponse:
        if request.oversized:
            raise RequestEntityTooLargeException(
                f"Request body exceeds the limit of {MAX_BODY_BYTES} bytes"
            )
        try:
            form = decode_form(request.body)
        except AwsError:
            call.service = self._api_for(request, "").name
            raise
        action = form.get("Action", "")
        api = self._api_for(request, action)
        service = self._service_of(api)
        call.service = api.name
        call.operation = action or None
        call.arn = next((form[m] for m in service.arn_members if form.get(m)), None)
        caller, region = self._authenticate(request, call)

        version = form.get("Version")
        operation = api.operation(action) if action else None
        if operation is None or (version is not None and version != api.model.api_version):
            raise InvalidActionException(
                f"Could not find operation {action} for version {version}"
                if action
                else "The request must contain the parameter Action"
            )

        fault_response = self._apply_fault(action)
        if fault_response is not None:
            return fault_response

        if not service.supports(action):
            raise UnsupportedOperationException(
                f"{action} is not supported by the {service.title} emulator"
            )
        params = params_from_form(operation.input_shape, form)
        validate_input(operation.input_shape, params)
        result = service.call(
            action,
            RequestContext(service=api.name, account=caller.account, region=region, caller=caller),
            params,
        )
        body = response_document(
            operation,
            result,
            namespace=str(api.model.metadata.get("xmlNamespace", "")),
            request_id=request_id,
        )
        return xml_response(200, body, request_id=request_id)

    def _error(self, error: AwsError, request: HttpRequest, request_id: str) -> HttpResponse:
        status = error.query_status or error.http_status
        body = error_document(
            code=self._error_code(error),
            message=error.message,
            sender=status < 500,
            request_id=request_id,
        )
        return xml_response(status, body, request_id=request_id)

    def _error_code(self, error: AwsError) -> str:
        return error.query_code or error.code

    def _api_for(self, request: HttpRequest, action: str) -> ServiceApi:
        """The API the scope was signed for; else the one that has ``action``; else the first."""
        signed_for = scope_service(request.headers)
        for api in self._apis:
            if api.signing_name == signed_for:
                return api
        for api in self._apis:
            if action and api.operation(action) is not None:
                return api
        return self._apis[0]
