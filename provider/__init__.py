"""Read-only AWS CodeStar Connections for Pulumi.

``Connection`` is imported lazily so that the pipeline CLI (``python -m provider``), which
shares this package, starts without loading the Pulumi SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    AmbiguousConnectionName,
    AwsLookupError,
    CodestarConnectionsError,
    ConnectionAccessDenied,
    ConnectionNotFound,
    ConnectionUnavailable,
    CredentialsNotFound,
    EndpointUnreachable,
    InvalidConnectionArn,
)

if TYPE_CHECKING:
    from .resource import Connection

__all__ = [
    "AmbiguousConnectionName",
    "AwsLookupError",
    "CodestarConnectionsError",
    "Connection",
    "ConnectionAccessDenied",
    "ConnectionNotFound",
    "ConnectionUnavailable",
    "CredentialsNotFound",
    "EndpointUnreachable",
    "InvalidConnectionArn",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name == "Connection":
        from .resource import Connection

        return Connection
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
