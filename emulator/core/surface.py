"""What every AWS protocol does alike: log the call, identify the caller, inject faults.

:class:`AwsSurface` is the base of the AWS JSON protocol (:mod:`.protocol`) and the Query
protocol (:mod:`.query`); a subclass routes, decodes and answers, and renders errors its way.
Every request, refused or not, is written to the call log with its service, operation,
account, region and access key id.
"""

from __future__ import annotations

import sys
import time
import traceback
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence

from emulator.core.callers import Caller
from emulator.core.calls import Call, CallLog
from emulator.core.errors import AwsError, InjectedFault
from emulator.core.faults import FaultInjector
from emulator.core.identity import Identity
from emulator.core.service import Service, ServiceApi
from emulator.core.sigv4 import credential_scope
from emulator.core.wire import REQUEST_ID_HEADER, HttpRequest, HttpResponse

__all__ = ["AwsSurface"]

_DEFAULT_FAULT_CODES = {429: "ThrottlingException", 503: "ServiceUnavailable"}


class AwsSurface(ABC):
    """The services of one protocol, behind the checks AWS makes of every request."""

    def __init__(
        self,
        services: Sequence[Service],
        faults: FaultInjector,
        calls: CallLog,
        identity: Identity,
    ) -> None:
        self._services = tuple(services)
        self._faults = faults
        self._calls = calls
        self._identity = identity
        self._by_api: dict[str, tuple[Service, ServiceApi]] = {
            api.name: (service, api) for service in self._services for api in service.apis
        }

    def handle(self, request: HttpRequest) -> HttpResponse:
        call = Call(time=time.time(), user_agent=request.headers.get("user-agent"))
        request_id = str(uuid.uuid4())
        try:
            response = self._dispatch(request, call, request_id)
        except AwsError as error:
            response = self._error(error, request, request_id)
            call.error_code = self._error_code(error)
        except Exception:
            # A bug here must not take the server down; the client sees what AWS sends then.
            traceback.print_exc(file=sys.stderr)
            failure = AwsError("The emulator failed to process the request")
            response = self._error(failure, request, request_id)
            call.error_code = self._error_code(failure)
        call.http_status = None if response.reset else response.status
        if response.reset:
            call.error_code = "ConnectionReset"
        else:
            response.headers.setdefault(REQUEST_ID_HEADER, request_id)
        self._calls.append(call)
        return response

    @abstractmethod
    def _dispatch(self, request: HttpRequest, call: Call, request_id: str) -> HttpResponse:
        """Answer the request, filling in ``call``; raise an AwsError to refuse it."""

    @abstractmethod
    def _error(self, error: AwsError, request: HttpRequest, request_id: str) -> HttpResponse:
        """The protocol's rendering of ``error``."""

    def _error_code(self, error: AwsError) -> str:
        """The code the call log records: the one the client sees."""
        return error.code

    def _service_of(self, api: ServiceApi) -> Service:
        return self._by_api[api.name][0]

    def _authenticate(self, request: HttpRequest, call: Call) -> tuple[Caller, str]:
        """(caller, region) of the request. Only the form is checked, never the signature."""
        scope = credential_scope(request.headers)
        call.access_key_id = scope.access_key_id
        call.region = scope.region
        caller = self._identity.caller_for(scope.access_key_id)
        call.account = caller.account
        self._identity.admit(
            caller, session_token=request.headers.get("x-amz-security-token"), region=scope.region
        )
        return caller, scope.region

    def _apply_fault(self, operation: str) -> HttpResponse | None:
        """Sleep, drop the connection or raise, as an armed fault says; None to carry on."""
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
