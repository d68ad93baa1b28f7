"""The program that wrote this state: Connections listings of the snapshot's connections."""

import pulumi

from pulumi_codestar_connections import Connections

every = Connections("every", region="us-east-1")
gitlab = Connections(
    "gitlab", region="eu-west-1", provider_type_filter="GitLab", require_status="AVAILABLE"
)
pulumi.export("byName", every.by_name)
pulumi.export("count", every.count)
pulumi.export("gitlab", gitlab.connections)
