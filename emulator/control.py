"""The control API under ``/_emulator/``: what tests and the demo do that AWS leaves to humans.

Plain JSON in and out, no SigV4. Routes::

    GET    /_emulator/health       {"Status": "ok"}
    POST   /_emulator/status       {"ConnectionArn", "ConnectionStatus"} or
                                   {"HostArn", "HostStatus", "StatusMessage"?}
    POST   /_emulator/connections  {"ConnectionName", "ProviderType" | "HostArn", "Region"?,
                                    "Account"?, "ConnectionStatus"?, "Service"?, "Tags"?}
                                   -> {"ConnectionArn"}
    POST   /_emulator/faults       {"Operation"?, "ErrorCode"?, "HttpStatus"?, "Message"?,
                                    "Count"?, "LatencyMs"?, "ResetConnection"?} -> {"Fault"}
    GET    /_emulator/faults       {"Faults": [...]}
    DELETE /_emulator/faults       {}
    GET    /_emulator/calls        {"Calls": [...]}
    DELETE /_emulator/calls        {}
    GET    /_emulator/state        {"Version", "NextSequence", "Connections": [...], "Hosts": [...]}
    POST   /_emulator/reset        {} (records, faults and calls all cleared)

Errors come back as ``{"__type": code, "Message": text}``: 400 for bad input, 404 for an unknown
ARN or route, 405 for a known route with another method.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from botocore.model import StringShape

from emulator.calls import CallLog
from emulator.errors import AwsError, ResourceNotFoundException, ValidationException
from emulator.faults import FOREVER, Fault, FaultInjector
from emulator.jsonfields import (
    FieldError,
    optional_bool,
    optional_int,
    optional_str,
    require_object,
    require_str,
    string_map,
)
from emulator.model import Backend
from emulator.persistence import state_to_json
from emulator.records import CONNECTION_STATUSES
from emulator.services import SERVICE_NAMES, service_by_name
from emulator.wire import HttpRequest, HttpResponse, error_response, json_response

__all__ = ["CONTROL_PREFIX", "ControlApi"]

CONTROL_PREFIX = "/_emulator/"

_JSON = "application/json"
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_ACCOUNT = re.compile(r"\d{12}")
_ERROR_CODE = re.compile(r"[A-Za-z][A-Za-z0-9.#:]*")
_MAX_LATENCY_MS = 60_000

Route = Callable[[dict[str, object]], object]


class _RouteNotFound(AwsError):
    code = "NotFound"
    http_status = 404


class _MethodNotAllowed(AwsError):
    code = "MethodNotAllowed"
    http_status = 405


class ControlApi:
    def __init__(
        self, backend: Backend, faults: FaultInjector, calls: CallLog, *, account: str
    ) -> None:
        self._backend = backend
        self._faults = faults
        self._calls = calls
        self._account = account
        self._routes: dict[tuple[str, str], Route] = {
            ("GET", "health"): lambda _: {"Status": "ok"},
            ("POST", "status"): self._set_status,
            ("POST", "connections"): self._create_connection,
            ("POST", "faults"): self._add_fault,
            ("GET", "faults"): lambda _: {"Faults": [f.to_json() for f in faults.armed()]},
            ("DELETE", "faults"): self._clear_faults,
            ("GET", "calls"): lambda _: {"Calls": calls.to_json()},
            ("DELETE", "calls"): self._clear_calls,
            ("GET", "state"): lambda _: state_to_json(backend.snapshot()),
            ("POST", "reset"): self._reset,
        }

    def handle(self, request: HttpRequest) -> HttpResponse:
        name = request.path.split("?", 1)[0].removeprefix(CONTROL_PREFIX).strip("/")
        try:
            route = self._route(request.method, name)
            if request.oversized:
                raise ValidationException("Request body is too large")
            return json_response(200, route(_body(request.body)), content_type=_JSON)
        except ResourceNotFoundException as error:
            return error_response(error, status=404, content_type=_JSON)
        except AwsError as error:
            return error_response(error, content_type=_JSON)
        except FieldError as error:
            return error_response(ValidationException(str(error)), content_type=_JSON)

    def _route(self, method: str, name: str) -> Route:
        route = self._routes.get((method, name))
        if route is not None:
            return route
        if any(known == name for _, known in self._routes):
            raise _MethodNotAllowed(f"{method} is not allowed on {CONTROL_PREFIX}{name}")
        raise _RouteNotFound(f"No control endpoint {method} {CONTROL_PREFIX}{name}")

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
            allowed = _provider_types(service_name)
            if provider_type not in allowed:
                raise ValidationException(
                    f"ProviderType must be one of {', '.join(allowed)} for {service_name}"
                )
        tags = body.get("Tags")
        record = self._backend.create_connection(
            (account, region),
            service=service_name,
            name=name,
            provider_type=provider_type,
            host_arn=optional_str(body, "HostArn"),
            tags=None if tags is None else string_map(tags, "Tags"),
            status=status,
            # Seeding sets up a scene; it may go past the quota so tests can reach the limit.
            enforce_limit=False,
        )
        return {"ConnectionArn": record.connection_arn}

    def _add_fault(self, body: dict[str, object]) -> object:
        error_code = optional_str(body, "ErrorCode")
        if error_code is not None and not _ERROR_CODE.fullmatch(error_code):
            raise ValidationException(f"ErrorCode {error_code!r} is not an error code")
        http_status = optional_int(body, "HttpStatus")
        if http_status is not None and not 400 <= http_status <= 599:
            raise ValidationException("HttpStatus must be between 400 and 599")
        if (
            error_code is None
            and http_status is not None
            and http_status < 500
            and http_status != 429
        ):
            raise ValidationException(f"ErrorCode is required with HttpStatus {http_status}")
        count = optional_int(body, "Count")
        count = 1 if count is None else count
        if count < 1 and count != FOREVER:
            raise ValidationException("Count must be a positive number, or -1 for forever")
        latency_ms = optional_int(body, "LatencyMs") or 0
        if not 0 <= latency_ms <= _MAX_LATENCY_MS:
            raise ValidationException(f"LatencyMs must be between 0 and {_MAX_LATENCY_MS}")
        reset = optional_bool(body, "ResetConnection") or False
        if error_code is None and http_status is None and not latency_ms and not reset:
            raise ValidationException(
                "A fault needs ErrorCode, HttpStatus, LatencyMs or ResetConnection"
            )
        operation = optional_str(body, "Operation") or "*"
        # A misspelt operation would never fire; say so now rather than let a test pass quietly.
        if operation != "*" and not any(
            operation in service_by_name(name).model.operation_names for name in SERVICE_NAMES
        ):
            raise ValidationException(f"Operation {operation!r} is not an operation of either API")
        fault = Fault(
            operation=operation,
            error_code=error_code,
            http_status=http_status,
            message=optional_str(body, "Message"),
            count=count,
            latency_ms=latency_ms,
            reset_connection=reset,
        )
        self._faults.add(fault)
        return {"Fault": fault.to_json()}

    def _clear_faults(self, _: dict[str, object]) -> object:
        self._faults.clear()
        return {}

    def _clear_calls(self, _: dict[str, object]) -> object:
        self._calls.clear()
        return {}

    def _reset(self, _: dict[str, object]) -> object:
        self._backend.reset()
        self._faults.clear()
        self._calls.clear()
        return {}


def _provider_types(service_name: str) -> list[str]:
    shape = service_by_name(service_name).model.shape_for("ProviderType")
    return list(shape.enum) if isinstance(shape, StringShape) else []


def _body(raw: bytes) -> dict[str, object]:
    if not raw.strip():
        return {}
    try:
        decoded = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationException(f"Request body is not valid JSON: {error}") from error
    except RecursionError:
        raise ValidationException("Request body is nested too deeply") from None
    return require_object(decoded, "The request body")
