"""The Pulumi program: stack config in, stack outputs out — nothing else.

``connectionArn`` (one connection) and/or ``connections`` (a list; see
provider/pulumi_codestar_connections/engine/stack_config.py)
name what to look up; the stack exports their details under the names pipelines read with
``pulumi stack output --json``.
"""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_codestar_connections import ConfigError, Connection
from pulumi_codestar_connections.core.records import NO_HOST, OUTPUT_FIELDS, camel_to_snake
from pulumi_codestar_connections.engine.stack_config import entries_from_config


def outputs_of(connection: Connection) -> dict[str, Any]:
    """Every output by state name; hostArn is "" rather than missing when there is no host."""
    outputs = {key: getattr(connection, camel_to_snake(key)) for key in OUTPUT_FIELDS}
    outputs["hostArn"] = connection.host_arn.apply(lambda value: value or NO_HOST)
    return outputs


config = pulumi.Config()
try:
    single, listed = entries_from_config(
        config.get("connectionArn"), config.get_object("connections")
    )
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

if single is not None:
    for key, value in outputs_of(Connection(single.key, **single.arguments)).items():
        pulumi.export(key, value)
statuses = {}
for entry in listed:
    connection = Connection(entry.key, **entry.arguments)
    pulumi.export(entry.key, outputs_of(connection))
    statuses[entry.key] = connection.connection_status
if listed:
    pulumi.export("connectionStatuses", statuses)
