"""Read the connections a shared tools account owns, from a stack running elsewhere.

Connections usually live in one tools (CI/CD) account. This stack runs with another account's
credentials and reads them through a role in the tools account: each lookup assumes
``toolsAccountRoleArn`` (with ``externalId`` if the role's trust policy requires one). The
temporary credentials live in the provider's process only; state records the role ARN, never
a key.
"""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_codestar_connections import (
    Connection,
)

config = pulumi.Config()
role_arn = config.require("toolsAccountRoleArn")
external_id = config.get("externalId") or None
# {key: ARN or name}; names are resolved in aws:region, in the tools account.
wanted: dict[str, str] = config.require_object("connections")

exported: dict[str, dict[str, Any]] = {}
for key, reference in sorted(wanted.items()):
    by_arn = reference.startswith("arn:")
    connection = Connection(
        key,
        connection_arn=reference if by_arn else None,
        connection_name=None if by_arn else reference,
        assume_role_arn=role_arn,
        external_id=external_id,
        # Shows in the tools account's CloudTrail as the reader of each GetConnection.
        session_name=f"pulumi-{pulumi.get_project()}-{pulumi.get_stack()}"[:64],
    )
    exported[key] = {
        "connectionArn": connection.connection_arn,
        "connectionStatus": connection.connection_status,
        "providerType": connection.provider_type,
        "ownerAccountId": connection.owner_account_id,
    }

pulumi.export("connections", exported)
