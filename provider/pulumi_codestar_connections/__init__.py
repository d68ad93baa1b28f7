"""Look AWS CodeStar (CodeConnections) connections up from Pulumi: read-only, drift-aware.

    from pulumi_codestar_connections import Connection

The public surface is this module: :class:`Connection` (the resource) and the errors. The
package's parts, each with one job (imports point one way: core <- aws <- engine <- dynamic
and plugin; aws <- cli):

    core/      the rules: ARNs, vocabulary, validation, records, errors (no I/O, no Pulumi)
    aws/       the only code that talks to AWS: clients, lookups, botocore errors -> ours
    engine/    what each engine step does, for both hosts: inputs, stack config, reader, steps
    dynamic/   the Python dynamic provider: Connection and its ResourceProvider
    plugin/    the codestar provider plugin (every language): schema, provider, server
    cli/       codestar-connection, the pipeline CLI (no Pulumi)

``Connection`` is imported lazily so that the CLI, which shares this package, starts without
loading the Pulumi SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# One name only: imported as anything else (``provider.pulumi_codestar_connections`` from a
# checkout's root), a second copy of every class would exist beside the first, and state pickled
# by one would not be the other's.
if __name__ != "pulumi_codestar_connections":
    raise ImportError(
        f"import this package as pulumi_codestar_connections, not {__name__}: install it "
        "(pip install pulumi-codestar-connections, or pip install -e . in a checkout) rather "
        "than putting a folder above it on sys.path"
    )

from ._version import __version__
from .core.errors import (
    AmbiguousConnectionName,
    AwsLookupError,
    CodestarConnectionsError,
    ConfigError,
    ConnectionAccessDenied,
    ConnectionNotFound,
    ConnectionUnavailable,
    CredentialsNotFound,
    EndpointUnreachable,
    InvalidConnectionArn,
    InvalidInput,
)

if TYPE_CHECKING:
    from .dynamic.resource import Connection

__all__ = [
    "AmbiguousConnectionName",
    "AwsLookupError",
    "CodestarConnectionsError",
    "ConfigError",
    "Connection",
    "ConnectionAccessDenied",
    "ConnectionNotFound",
    "ConnectionUnavailable",
    "CredentialsNotFound",
    "EndpointUnreachable",
    "InvalidConnectionArn",
    "InvalidInput",
    "__version__",
]


def __getattr__(name: str) -> type[Connection]:
    # (Typed narrowly so that type checkers refuse any other name instead of taking it as Any.)
    if name == "Connection":
        from .dynamic.resource import Connection

        return Connection
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
