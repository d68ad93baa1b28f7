"""A CodeStar connection through the codestar plugin's Python SDK (pulumi_codestar)."""

import pulumi
import pulumi_codestar as codestar

config = pulumi.Config()

# Looked up, never managed: `pulumi preview` shows drift; require_status gates the deploy.
connection = codestar.Connection(
    "connection",
    connection_arn=config.require("connectionArn"),
    require_status=config.require_object("requireStatus"),
)
# The same lookup as a function (nothing stored), by name; and every connection of the region.
by_name = codestar.get_connection_output(connection_name=config.require("connectionName"))
everything = codestar.get_connections_output()

pulumi.export("connectionArn", connection.connection_arn)
pulumi.export("connectionStatus", connection.connection_status)
pulumi.export("tags", connection.tags)
pulumi.export("byNameArn", by_name.connection_arn)
pulumi.export("byNameStatus", by_name.connection_status)
pulumi.export("names", everything.names)
