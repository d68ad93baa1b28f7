"""The only code that talks to AWS: clients, lookups by ARN and by name, listings, tags, hosts.

The dynamic provider and the CLI both enter here (:mod:`.lookups`); clients, credentials,
roles and retries are :mod:`.clients`; botocore's exceptions become ours in :mod:`.translate`.
"""

from __future__ import annotations

from .lookups import (
    clear_client_cache,
    client_for,
    configure_clients,
    describe_connection,
    describe_connections,
    find_connection_by_arn,
    find_connection_by_name,
    find_host,
    list_connections,
    list_tags,
)

__all__ = [
    "clear_client_cache",
    "client_for",
    "configure_clients",
    "describe_connection",
    "describe_connections",
    "find_connection_by_arn",
    "find_connection_by_name",
    "find_host",
    "list_connections",
    "list_tags",
]
