"""The SigV4 credential scope of a request: access key id, region and service it was signed for.

Only the form is read, never the signature: the emulator trusts whoever can reach it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulator.core.errors import IncompleteSignatureException, MissingAuthenticationTokenException

__all__ = ["CredentialScope", "credential_scope", "scope_service"]

# "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/codeconnections/aws4_request, ..."
_CREDENTIAL = re.compile(
    r"Credential=(?P<key>[^/,\s]+)/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[^/,\s]+)/aws4_request"
)


@dataclass(frozen=True)
class CredentialScope:
    access_key_id: str
    region: str
    service: str
    """The signing name the client used (``sts``, ``organizations``, ``codeconnections``)."""


def credential_scope(headers: dict[str, str]) -> CredentialScope:
    """The scope of the ``Authorization`` header; raise AWS's error when there is none."""
    authorization = headers.get("authorization")
    if authorization is None:
        raise MissingAuthenticationTokenException("Missing Authentication Token")
    match = _CREDENTIAL.search(authorization)
    if match is None:
        raise IncompleteSignatureException(
            "Authorization header requires a SigV4 'Credential' parameter of the form "
            "Credential=KEY/YYYYMMDD/REGION/SERVICE/aws4_request"
        )
    return CredentialScope(match["key"], match["region"], match["service"])


def scope_service(headers: dict[str, str]) -> str | None:
    """The signing service of the request, if it has a readable scope (for routing only)."""
    authorization = headers.get("authorization")
    match = None if authorization is None else _CREDENTIAL.search(authorization)
    return None if match is None else match["service"]
