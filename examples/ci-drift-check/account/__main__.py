"""Every CodeStar connection of one account and region, watched by the nightly drift check.

A ``Connections`` listing records, at each ``pulumi up``, every connection in ``aws:region``
(or only those of ``providerType``) with its status, host and tags. The nightly
``pulumi preview --expect-no-changes`` (../github-actions/drift-check.yml) then fails with exit
code 7 when a connection appeared, disappeared or changed since, naming it by its ARN; a
``pulumi up`` accepts what changed. Nothing in AWS is ever created, changed or deleted.
"""

from __future__ import annotations

import pulumi

from pulumi_codestar_connections import Connections

config = pulumi.Config()
account = Connections(
    "account",
    provider_type_filter=config.get("providerType") or None,
    require_status=config.get("requireStatus") or None,
)

pulumi.export("connectionArns", account.by_name)  # {name: ARN}, for names held once
pulumi.export("ambiguousNames", account.ambiguous_names)  # {name: [ARN, …]}, names held twice+
pulumi.export("count", account.count)
pulumi.export("statuses", account.statuses)  # {"AVAILABLE": 3, "PENDING": 1, "ERROR": 0}
# In Python each connection has a Connection's attribute names (connection_status, …).
pulumi.export(
    "notAvailable",
    account.connections.apply(
        lambda listed: sorted(
            c["connection_name"] for c in listed if c["connection_status"] != "AVAILABLE"
        )
    ),
)
