"""Requests and responses as plain values: the protocol and control layers never see sockets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from emulator.core.errors import AwsError

__all__ = [
    "AWS_JSON_CONTENT_TYPE",
    "FORM_CONTENT_TYPE",
    "MAX_BODY_BYTES",
    "MAX_CONTROL_BODY_BYTES",
    "REQUEST_ID_HEADER",
    "XML_CONTENT_TYPE",
    "HttpRequest",
    "HttpResponse",
    "error_response",
    "json_response",
    "media_type",
    "xml_response",
]

MAX_BODY_BYTES = 1024 * 1024
MAX_CONTROL_BODY_BYTES = 64 * 1024 * 1024
"""The control API takes bigger bodies: seeding 16,000 connections is one request of ~2 MiB."""
AWS_JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
XML_CONTENT_TYPE = "text/xml"
REQUEST_ID_HEADER = "x-amzn-RequestId"
"""Set by the protocol when the body names the request id too (Query); else the server adds one."""


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


def xml_response(status: int, body: bytes, *, request_id: str) -> HttpResponse:
    return HttpResponse(
        status=status,
        body=body,
        headers={"Content-Type": XML_CONTENT_TYPE, REQUEST_ID_HEADER: request_id},
    )


def error_response(
    error: AwsError, *, status: int | None = None, content_type: str = AWS_JSON_CONTENT_TYPE
) -> HttpResponse:
    response = json_response(
        status or error.http_status,
        {"__type": error.code, error.message_member: error.message, **error.members},
        content_type=content_type,
    )
    response.headers["x-amzn-ErrorType"] = error.code
    return response


def media_type(content_type: str) -> str:
    """``application/x-amz-json-1.0; charset=utf-8`` -> ``application/x-amz-json-1.0``."""
    return content_type.split(";", 1)[0].strip().lower()
