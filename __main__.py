"""The Pulumi program: stack config in, stack outputs out — nothing else.

Stack config ``connectionArn`` names the connection; the stack exports its details under the
names pipelines read with ``pulumi stack output --json``.
"""

from __future__ import annotations

import pulumi

from provider import Connection, InvalidConnectionArn
from provider.arn import ARN_EXAMPLE, parse_connection_arn
from provider.model import NO_HOST, OUTPUT_FIELDS, camel_to_snake

CONFIG_KEY = "connectionArn"


def connection_arn_from_config(config: pulumi.Config) -> str:
    """The configured ARN, validated before any resource (and so any API call) exists."""
    value = config.get(CONFIG_KEY)
    fix = f"set it with `pulumi config set {CONFIG_KEY} <arn>`"
    if not value:
        raise pulumi.RunError(
            f"stack config {CONFIG_KEY} is missing: {fix}; expected {ARN_EXAMPLE}"
        )
    try:
        parse_connection_arn(value, field=f"stack config {CONFIG_KEY}")
    except InvalidConnectionArn as error:
        raise pulumi.RunError(f"{error}; {fix}") from None
    return value


connection = Connection("connection", connection_arn=connection_arn_from_config(pulumi.Config()))
outputs = {key: getattr(connection, camel_to_snake(key)) for key in OUTPUT_FIELDS}
# Pipelines get "" rather than a missing key when the connection has no host (GitHub, GitLab, …).
outputs["hostArn"] = connection.host_arn.apply(lambda value: value or NO_HOST)
for key, value in outputs.items():
    pulumi.export(key, value)
