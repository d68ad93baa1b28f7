"""Look the organisation's connections up once; export them for every stack that needs one.

Stack config ``connections`` maps a key to a connection ARN or name::

    pulumi config set --path connections.github arn:aws:codestar-connections:…:connection/…
    pulumi config set --path connections.gitlab gitlab-main      # a name, in aws:region

Exported as ``connections``: {key: {connectionArn, connectionName, providerType,
connectionStatus, ownerAccountId, region}}. Consumers read it with a StackReference and need
no AWS permission on the connections themselves.
"""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_codestar_connections import (
    Connection,
)

wanted: dict[str, str] = pulumi.Config().require_object("connections")

exported: dict[str, dict[str, Any]] = {}
for key, reference in sorted(wanted.items()):
    by_arn = reference.startswith("arn:")
    connection = Connection(
        key,
        connection_arn=reference if by_arn else None,
        connection_name=None if by_arn else reference,
    )
    exported[key] = {
        "connectionArn": connection.connection_arn,
        "connectionName": connection.connection_name,
        "providerType": connection.provider_type,
        "connectionStatus": connection.connection_status,
        "ownerAccountId": connection.owner_account_id,
        "region": connection.region,
    }

pulumi.export("connections", exported)
