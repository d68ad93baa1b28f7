"""Requests and responses as plain values: the protocol and control layers never see sockets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from emulator.core.errors import AwsError

__all__ = [
    "AWS_JSON_CONTENT_TYPE",
    "MAX_BODY_BYTES",
    "HttpRequest",
    "HttpResponse",
    "error_response",
    "json_response",
]

MAX_BODY_BYTES = 1024 * 1024
AWS_JSON_CONTENT_TYPE = "application/x-amz-json-1.0"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes
    oversized: bool = False
    """The declared body was over MAX_BODY_BYTES; it was not kept and ``body`` is empty."""


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False
    """Close the connection after this response (the request body was not drained)."""
    reset: bool = False
    """Send nothing and reset the connection (fault injection)."""


def json_response(
    status: int, payload: object, *, content_type: str = AWS_JSON_CONTENT_TYPE
) -> HttpResponse:
    return HttpResponse(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": content_type},
    )


def error_response(
    error: AwsError, *, status: int | None = None, content_type: str = AWS_JSON_CONTENT_TYPE
) -> HttpResponse:
    response = json_response(
        status or error.http_status,
        {"__type": error.code, "Message": error.message},
        content_type=content_type,
    )
    response.headers["x-amzn-ErrorType"] = error.code
    return response
