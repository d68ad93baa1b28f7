"""Use a connection that another stack looked up, through a StackReference.

This stack calls no AWS API for the connection: it trusts what the connections stack recorded
at its last ``pulumi up`` — keep that one fresh with a nightly drift check
(../../ci-drift-check). It refuses a connection that was not AVAILABLE then.
"""

from __future__ import annotations

from typing import Any

import pulumi

config = pulumi.Config()
stack_name = config.require("connectionsStack")  # e.g. my-org/codestar-example-connections/prod
key = config.get("connection") or "github"

shared = pulumi.StackReference(stack_name)


def chosen(connections: dict[str, Any] | None) -> dict[str, Any]:
    """The entry for ``key``; a missing key or an unusable status stops the program."""
    exported = connections or {}
    if key not in exported:
        raise pulumi.RunError(
            f"stack {stack_name} exports no connection {key!r} "
            f"(it exports: {', '.join(sorted(exported)) or 'none'}); "
            "set `connection` to one of those"
        )
    entry: dict[str, Any] = exported[key]
    if entry["connectionStatus"] != "AVAILABLE":
        raise pulumi.RunError(
            f"connection {key!r} ({entry['connectionArn']}) was {entry['connectionStatus']} "
            f"when stack {stack_name} last ran `pulumi up`: fix the connection in the AWS "
            "console, then run `pulumi up` on that stack"
        )
    return entry


source = shared.require_output("connections").apply(chosen)

# In a real consumer these feed a CodePipeline source action (see ../../codepipeline).
pulumi.export("sourceConnectionArn", source["connectionArn"])
pulumi.export("sourceProviderType", source["providerType"])
