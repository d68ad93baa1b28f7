"""The floor program: the repository's program (same config, names, exports), no lookups."""

from __future__ import annotations

import pulumi
from noop import OUTPUT_NAMES, NoopConnection

statuses = {}
for entry in pulumi.Config().get_object("connections") or []:
    key = entry.get("key") or entry["arn"].rsplit("/", 1)[-1]
    connection = NoopConnection(key, entry["arn"])
    pulumi.export(key, {name: getattr(connection, name) for name in OUTPUT_NAMES})
    statuses[key] = connection.connectionStatus
pulumi.export("connectionStatuses", statuses)
