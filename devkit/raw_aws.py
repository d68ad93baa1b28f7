"""Send hand-made AWS JSON 1.0 requests, for what boto3 refuses to send (bad input, no auth)."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

__all__ = ["TARGET_PREFIXES", "RawResponse", "aws_json_request", "sigv4_authorization"]

TARGET_PREFIXES = {
    "codestar-connections": "com.amazonaws.codestar.connections.CodeStar_connections_20191201",
    "codeconnections": "com.amazonaws.codeconnections.CodeConnections_20231201",
}


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def sigv4_authorization(
    *, access_key: str = "testing", region: str = "us-east-1", service: str = "codeconnections"
) -> str:
    """An Authorization header of the right form; the emulator never checks the signature."""
    return (
        f"AWS4-HMAC-SHA256 Credential={access_key}/20240101/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )


def aws_json_request(
    url: str,
    operation: str | None,
    body: bytes | object = b"{}",
    *,
    service: str = "codestar-connections",
    region: str = "us-east-1",
    access_key: str = "testing",
    authorization: str | None = "sigv4",
    target: str | None = None,
    headers: dict[str, str] | None = None,
) -> RawResponse:
    """POST one AWS JSON 1.0 request.

    ``body`` is sent as is when it is bytes, JSON-encoded otherwise. ``authorization=None`` sends
    no Authorization header; ``target`` overrides the X-Amz-Target built from ``operation``.
    """
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        sent["X-Amz-Target"] = target
    elif operation is not None:
        sent["X-Amz-Target"] = f"{TARGET_PREFIXES[service]}.{operation}"
    if authorization == "sigv4":
        sent["Authorization"] = sigv4_authorization(
            access_key=access_key, region=region, service=service
        )
    elif authorization is not None:
        sent["Authorization"] = authorization
    sent.update(headers or {})
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("POST", "/", body=payload, headers=sent)
        response = connection.getresponse()
        return RawResponse(
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=response.read(),
        )
    finally:
        connection.close()
