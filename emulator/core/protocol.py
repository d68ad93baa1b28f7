"""The AWS surface: AWS JSON 1.0 requests in, AWS JSON 1.0 responses out.

Steps, in the order AWS applies them (an earlier failure hides a later one):
body size -> Authorization present -> Content-Type and X-Amz-Target known -> injected fault ->
operation supported -> body is a JSON object -> members match the service model -> the
operation itself. Every request, refused or not, is written to the call log.

A Content-Type other than AWS JSON 1.0 names another protocol (AWS answers such requests with
UnknownOperationException); a request without one is read as AWS JSON 1.0.
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback

from emulator.core.calls import Call, CallLog
from emulator.core.errors import (
    AwsError,
    IncompleteSignatureException,
    InjectedFault,
    MissingAuthenticationTokenException,
    RequestEntityTooLargeException,
    SerializationException,
    UnknownOperationException,
    UnsupportedOperationException,
)
from emulator.core.faults import FaultInjector
from emulator.core.service import RequestContext, Service, resolve_target
from emulator.core.shapes import conform_to_shape, validate_input
from emulator.core.wire import (
    AWS_JSON_CONTENT_TYPE,
    MAX_BODY_BYTES,
    HttpRequest,
    HttpResponse,
    error_response,
    json_response,
)

__all__ = ["AwsProtocol"]

# SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/codeconnections/aws4_request, ..."
_CREDENTIAL = re.compile(
    r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[a-z0-9-]+)/[^/,\s]+/aws4_request"
)
_ACCOUNT_KEY = re.compile(r"\d{12}")

_DEFAULT_FAULT_CODES = {429: "ThrottlingException", 503: "ServiceUnavailable"}


class AwsProtocol:
    """A service's AWS surface: every request checked in AWS's order, logged, then answered."""

    def __init__(
        self, service: Service, faults: FaultInjector, calls: CallLog, *, account: str
    ) -> None:
        self._service = service
        self._faults = faults
        self._calls = calls
        self._account = account

    def handle(self, request: HttpRequest) -> HttpResponse:
        call = Call(time=time.time(), user_agent=request.headers.get("user-agent"))
        try:
            response = self._dispatch(request, call)
        except AwsError as error:
            response = error_response(error)
            call.error_code = error.code
        except Exception:
            # A bug here must not take the server down; the client sees what AWS sends then.
            traceback.print_exc(file=sys.stderr)
            response = error_response(AwsError("The emulator failed to process the request"))
            call.error_code = "InternalFailure"
        call.http_status = None if response.reset else response.status
        if response.reset:
            call.error_code = "ConnectionReset"
        self._calls.append(call)
        return response

    def _dispatch(self, request: HttpRequest, call: Call) -> HttpResponse:
        if request.oversized:
            raise RequestEntityTooLargeException(
                f"Request body exceeds the limit of {MAX_BODY_BYTES} bytes"
            )
        params, body_error = _decode_body(request.body)
        call.arn = _arn_in(params, self._service.arn_members)

        target = request.headers.get("x-amz-target", "")
        resolved = resolve_target(self._service.apis, target)
        if resolved is not None:
            call.service, call.operation = resolved[0].name, resolved[1]

        context = self._authenticate(request, call)
        content_type = request.headers.get("content-type")
        if content_type is not None and not _is_aws_json(content_type):
            raise UnknownOperationException(
                f"Unknown operation: Content-Type {content_type!r} is not "
                f"{AWS_JSON_CONTENT_TYPE}, the protocol of this API"
            )
        if resolved is None:
            raise UnknownOperationException(
                f"Unknown operation: X-Amz-Target {target!r} names no {self._service.apis_title} "
                "operation"
                if target
                else "Unknown operation: the X-Amz-Target header is missing"
            )
        service, operation_name = resolved
        operation = service.operation(operation_name)
        if operation is None:
            raise UnknownOperationException(
                f"Unknown operation: {service.name} has no operation {operation_name!r}"
            )

        fault_response = self._apply_fault(operation_name)
        if fault_response is not None:
            return fault_response

        if not self._service.supports(operation_name):
            raise UnsupportedOperationException(
                f"{operation_name} is not supported by the {self._service.title} emulator"
            )
        if body_error is not None:
            raise body_error
        validate_input(operation.input_shape, params)
        result = self._service.call(
            operation_name,
            RequestContext(service=service.name, account=context[0], region=context[1]),
            params,
        )
        return json_response(200, conform_to_shape(operation.output_shape, result))

    def _authenticate(self, request: HttpRequest, call: Call) -> tuple[str, str]:
        """(account, region) of the caller. Only presence is checked, never the signature."""
        authorization = request.headers.get("authorization")
        if authorization is None:
            raise MissingAuthenticationTokenException("Missing Authentication Token")
        credential = _CREDENTIAL.search(authorization)
        if credential is None:
            raise IncompleteSignatureException(
                "Authorization header requires a SigV4 'Credential' parameter of the form "
                "Credential=KEY/YYYYMMDD/REGION/SERVICE/aws4_request"
            )
        # moto's convention: a 12-digit access key id stands for the account it is used in.
        key = credential["key"]
        call.access_key_id = key
        call.account = key if _ACCOUNT_KEY.fullmatch(key) else self._account
        call.region = credential["region"]
        return call.account, call.region

    def _apply_fault(self, operation: str) -> HttpResponse | None:
        fault = self._faults.take(operation)
        if fault is None:
            return None
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault.reset_connection:
            return HttpResponse(status=0, reset=True)
        if fault.error_code is None and fault.http_status is None:
            return None
        status = fault.http_status or 400
        code = fault.error_code or _DEFAULT_FAULT_CODES.get(status, "InternalFailure")
        raise InjectedFault(code, status, fault.message or f"{code} injected by the emulator")


def _is_aws_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == AWS_JSON_CONTENT_TYPE


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
