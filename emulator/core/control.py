"""The control API under ``/_emulator/``: what tests and the demo do that AWS leaves to humans.

Plain JSON in and out, no SigV4. The routes every server has::

    GET    /_emulator/health       {"Status": "ok"}
    POST   /_emulator/faults       {"Operation"?, "ErrorCode"?, "HttpStatus"?, "Message"?,
                                    "Count"?, "LatencyMs"?, "ResetConnection"?,
                                    "Probability"?, "Seed"?, "RatePerSecond"?} -> {"Fault"}
    GET    /_emulator/faults       {"Faults": [...]}
    DELETE /_emulator/faults       {}
    GET    /_emulator/calls        {"Calls": [...]}
    DELETE /_emulator/calls        {}
    POST   /_emulator/reset        {} (records, sessions, regions, faults and calls all cleared)
    GET    /_emulator/regions      {"OptInRegions", "Enabled": [{"Account", "Region"}]}
    POST   /_emulator/regions      {"Region", "Enabled", "Account"?} (identity.py)

and each service's own (:meth:`.service.Service.control_routes`: CodeStar Connections' in
codestar_connections/service.py, Organizations' in organizations/service.py, STS's in
sts/service.py).

A fault's ``Operation`` is an operation name of any service (``*``: all); ``Probability``
(0..1) makes it strike only that share of the matching requests, drawn from a generator seeded
with ``Seed`` when given; ``RatePerSecond`` makes it strike only the requests over that rate
(a token bucket: AWS's request throttling of an API).

Errors come back as ``{"__type": code, "Message": text}``: 400 for bad input, 404 for an unknown
ARN or route, 405 for a known route with another method.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence

from emulator.core.calls import CallLog
from emulator.core.errors import AwsError, ResourceNotFoundException, ValidationException
from emulator.core.faults import FOREVER, Fault, FaultInjector
from emulator.core.jsonfields import (
    FieldError,
    optional_bool,
    optional_int,
    optional_str,
    require_object,
)
from emulator.core.service import ControlSurface, Route, ServiceApi
from emulator.core.wire import HttpRequest, HttpResponse, error_response, json_response

__all__ = ["CONTROL_PREFIX", "ControlApi"]

CONTROL_PREFIX = "/_emulator/"

_JSON = "application/json"
_ERROR_CODE = re.compile(r"[A-Za-z][A-Za-z0-9.#:]*")
_MAX_LATENCY_MS = 60_000


class _RouteNotFound(AwsError):
    code = "NotFound"
    http_status = 404


class _MethodNotAllowed(AwsError):
    code = "MethodNotAllowed"
    http_status = 405


class ControlApi:
    """The control routes every server has, and those of its parts (services, identity)."""

    def __init__(
        self,
        parts: Sequence[ControlSurface],
        apis: Sequence[ServiceApi],
        faults: FaultInjector,
        calls: CallLog,
    ) -> None:
        self._parts = tuple(parts)
        self._operations = frozenset(name for api in apis for name in api.model.operation_names)
        self._faults = faults
        self._calls = calls
        self._routes: dict[tuple[str, str], Route] = {
            ("GET", "health"): lambda _: {"Status": "ok"},
            ("POST", "faults"): self._add_fault,
            ("GET", "faults"): lambda _: {"Faults": [f.to_json() for f in faults.armed()]},
            ("DELETE", "faults"): self._clear_faults,
            ("GET", "calls"): lambda _: {"Calls": calls.to_json()},
            ("DELETE", "calls"): self._clear_calls,
            ("POST", "reset"): self._reset,
        }
        for part in self._parts:
            for key, route in part.control_routes().items():
                if key in self._routes:
                    raise ValueError(f"two control routes for {key[0]} {key[1]}")
                self._routes[key] = route

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
        # (The wording dates from two APIs; tests and scripts match it, so it stays.)
        if operation != "*" and operation not in self._operations:
            raise ValidationException(f"Operation {operation!r} is not an operation of either API")
        probability = _probability(body)
        rate = _rate(body, probability)
        fault = Fault(
            operation=operation,
            error_code=error_code,
            http_status=http_status,
            message=optional_str(body, "Message"),
            count=count,
            latency_ms=latency_ms,
            reset_connection=reset,
            probability=probability,
            seed=optional_int(body, "Seed"),
            rate_per_second=rate,
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
        for part in self._parts:
            part.reset()
        self._faults.clear()
        self._calls.clear()
        return {}


def _number(body: dict[str, object], key: str) -> float | None:
    """``body[key]`` as a finite number, or None when it is not given."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldError(f"{key} must be a number")
    return float(value)


def _probability(body: dict[str, object]) -> float | None:
    value = _number(body, "Probability")
    if value is None:
        if body.get("Seed") is not None:
            raise ValidationException("Seed is only meaningful with a Probability")
        return None
    if not 0 <= value <= 1:
        raise ValidationException("Probability must be between 0 and 1")
    return value


def _rate(body: dict[str, object], probability: float | None) -> float | None:
    value = _number(body, "RatePerSecond")
    if value is None:
        return None
    if value <= 0:
        raise ValidationException("RatePerSecond must be greater than 0")
    if probability is not None:
        raise ValidationException("A fault strikes by Probability or by RatePerSecond, not both")
    return value


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
