"""Look AWS CodeStar (CodeConnections) connections up from Pulumi: read-only, drift-aware.

    from pulumi_codestar_connections import Connection, Connections

The public surface is this module: :class:`Connection` (one connection), :class:`Connections`
(every connection of one account and region), and the errors. The
package's parts, each with one job (imports point one way: core <- aws <- engine <- dynamic
and plugin; aws <- cli):

    core/      the rules: ARNs, vocabulary, validation, records, errors (no I/O, no Pulumi)
    aws/       the only code that talks to AWS: clients, lookups, botocore errors -> ours
    engine/    what each engine step does, for both hosts: inputs, stack config, reader, steps
    dynamic/   the Python dynamic provider: Connection, Connections and their ResourceProviders
    plugin/    the codestar provider plugin (every language): schema, provider, server
    cli/       codestar-connection, the pipeline CLI (no Pulumi)

``Connection`` and ``Connections`` are imported lazily so that the CLI, which shares this
package, starts without loading the Pulumi SDK.
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
    from .dynamic.resource import Connection, Connections

__all__ = [
    "AmbiguousConnectionName",
    "AwsLookupError",
    "CodestarConnectionsError",
    "ConfigError",
    "Connection",
    "ConnectionAccessDenied",
    "ConnectionNotFound",
    "ConnectionUnavailable",
    "Connections",
    "CredentialsNotFound",
    "EndpointUnreachable",
    "InvalidConnectionArn",
    "InvalidInput",
    "__version__",
]


def __getattr__(name: str) -> type[Connection] | type[Connections]:
    # (Typed narrowly so that type checkers refuse any other name instead of taking it as Any.)
    if name in ("Connection", "Connections"):
        from .dynamic import resource

        found: type[Connection] | type[Connections] = getattr(resource, name)
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
