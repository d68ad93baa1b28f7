"""The plugin's Pulumi package schema: ``Connection``, ``getConnection``, ``getConnections``.

Built from the core's vocabulary (services, statuses, provider types, output fields), so the
schema, the SDKs generated from it (scripts/gen-sdk) and the dynamic resource say the same
thing. ``python -m pulumi_codestar_connections.plugin.schema`` prints it as JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pulumi_codestar_connections._version import __version__
from pulumi_codestar_connections.core.records import CONNECTION_FIELDS, OUTPUT_FIELDS
from pulumi_codestar_connections.core.vocabulary import (
    CONSOLE_HINT,
    DEFAULT_SERVICE,
    NEWER_SERVICE,
    SERVICES,
    STATUS_MEANING,
    STATUSES,
    provider_types,
)
from pulumi_codestar_connections.engine.inputs import INPUT_FIELDS

__all__ = [
    "CONNECTION_TOKEN",
    "GET_CONNECTIONS_TOKEN",
    "GET_CONNECTION_TOKEN",
    "LISTING_FIELDS",
    "PACKAGE",
    "schema",
]

PACKAGE = "codestar"
CONNECTION_TOKEN = f"{PACKAGE}:index:Connection"
GET_CONNECTION_TOKEN = f"{PACKAGE}:index:getConnection"
GET_CONNECTIONS_TOKEN = f"{PACKAGE}:index:getConnections"
_HOST_TOKEN = f"{PACKAGE}:index:Host"
_VPC_TOKEN = f"{PACKAGE}:index:VpcConfiguration"
_SUMMARY_TOKEN = f"{PACKAGE}:index:ConnectionSummary"
_ASSUME_ROLE_TOKEN = f"{PACKAGE}:index:AssumeRole"
# getConnections' inputs: where to list, and ListConnections' own filters.
LISTING_FIELDS = (
    "region",
    "service",
    "providerTypeFilter",
    "hostArnFilter",
    "profile",
    "assumeRoleArn",
    "externalId",
    "sessionName",
)
_REPOSITORY = "https://github.com/pulumi-codestar-connections/pulumi-codestar-connections"

_STRING = {"type": "string"}
_STATUS_TEXT = "; ".join(f"{status}: {STATUS_MEANING[status]}" for status in STATUSES)
_ALL_PROVIDER_TYPES = sorted({t for service in SERVICES for t in provider_types(service)})


def _string(description: str) -> dict[str, Any]:
    return {**_STRING, "description": description}


_INPUTS: dict[str, dict[str, Any]] = {
    "connectionArn": _string(
        "The connection's ARN (arn:aws:codestar-connections:REGION:ACCOUNT:connection/ID, or "
        "a codeconnections ARN). Give this or connectionName."
    ),
    "connectionName": _string(
        "The connection's name, looked up with ListConnections in region (1 to 32 "
        "characters). A name that matches more than one connection is an error naming them."
    ),
    "providerType": _string(
        "With a name: only connections of this provider type. With an ARN: an assertion "
        f"(Check fails when the connection has another). One of {', '.join(_ALL_PROVIDER_TYPES)}."
    ),
    "hostArn": _string(
        "With a name: only connections to this host (GitHub Enterprise Server, GitLab "
        "self-managed). With an ARN: an assertion, like providerType."
    ),
    "requireStatus": {
        "type": "array",
        "items": _STRING,
        "description": (
            f"Statuses you accept ({', '.join(STATUSES)}): `pulumi preview` fails when the "
            "connection is in another, naming its status, what it means and where to fix it. "
            f"{_STATUS_TEXT}."
        ),
    },
    "region": _string(
        "The region of a name lookup (an ARN names its own). Default: the provider's region, "
        "else AWS_REGION / AWS_DEFAULT_REGION or the profile's."
    ),
    "service": _string(
        f"The API to read through: {DEFAULT_SERVICE} (default) or {NEWER_SERVICE} (the only one "
        "with AzureDevOps). An ARN names its own."
    ),
    "profile": _string("The AWS profile to read with. Default: the provider's profile."),
    "assumeRoleArn": _string(
        "A role to read through (cross-account lookups): STS AssumeRole from the base "
        "credentials. Default: the provider's assumeRole."
    ),
    "externalId": {
        **_string("The external id the role's trust policy asks for (with assumeRoleArn)."),
        "secret": True,
    },
    "sessionName": _string("The role session name (with assumeRoleArn)."),
}

_OUTPUTS: dict[str, dict[str, Any]] = {
    "connectionArn": _string(
        "The connection's ARN (also the resource id); for a name lookup, the one it resolved to."
    ),
    "connectionName": _string("The name given when the connection was created."),
    "providerType": _string(f"The provider: {', '.join(_ALL_PROVIDER_TYPES)}."),
    "ownerAccountId": _string("The AWS account that owns the connection."),
    "connectionStatus": _string(f"{', '.join(STATUSES)}. {_STATUS_TEXT}."),
    "hostArn": _string(
        'The host of a GitHub Enterprise Server / GitLab self-managed connection; "" for '
        "cloud providers."
    ),
    "tags": {
        "type": "object",
        "additionalProperties": _STRING,
        "description": "The connection's tags (ListTagsForResource).",
    },
    "host": {
        "$ref": f"#/types/{_HOST_TOKEN}",
        "description": (
            "GetHost for GitHub Enterprise Server / GitLab self-managed connections; empty for "
            "cloud providers."
        ),
    },
    "service": _string(f"The API it was read through: {DEFAULT_SERVICE} or {NEWER_SERVICE}."),
    "region": _string("The region the connection lives in."),
}

_ACCESS = ("profile", "assumeRoleArn", "externalId", "sessionName")


def _types() -> dict[str, Any]:
    summary = {key: _OUTPUTS[key] for key in CONNECTION_FIELDS}
    return {
        _HOST_TOKEN: {
            "type": "object",
            "description": "The host behind a connection to an installed provider (GetHost).",
            "properties": {
                "name": _string("The host's name."),
                "status": _string("The host's status (AVAILABLE, PENDING, VPC_CONFIG_…)."),
                "providerEndpoint": _string("The URL of the installed provider."),
                "vpcConfiguration": {
                    "$ref": f"#/types/{_VPC_TOKEN}",
                    "description": "The VPC the host is reached through, when it has one.",
                },
            },
        },
        _VPC_TOKEN: {
            "type": "object",
            "description": "A host's VPC configuration.",
            "properties": {
                "vpcId": _string("The VPC."),
                "subnetIds": {"type": "array", "items": _STRING, "description": "Its subnets."},
                "securityGroupIds": {
                    "type": "array",
                    "items": _STRING,
                    "description": "Its security groups.",
                },
                "tlsCertificate": _string("The TLS certificate of the provider endpoint."),
            },
        },
        _SUMMARY_TOKEN: {
            "type": "object",
            "description": "A connection as ListConnections describes it (no tags, no host).",
            "properties": summary,
            "required": list(CONNECTION_FIELDS),
        },
    }


_CONNECTION_DESCRIPTION = (
    "An existing AWS CodeStar connection, looked up by ARN or by name, never created, changed "
    "or deleted.\n\n"
    "`pulumi preview` shows a diff when the connection's status, host, tags, name or provider "
    "type changed in AWS since the last `pulumi up` (so `pulumi preview --expect-no-changes` "
    "catches drift); `requireStatus` fails the preview when the connection is in a status you "
    "do not accept; `pulumi destroy` forgets it without an AWS call. Connections are created "
    f"and authorised in {CONSOLE_HINT}."
)


def _resource() -> dict[str, Any]:
    return {
        "description": _CONNECTION_DESCRIPTION,
        "inputProperties": _INPUTS,
        "properties": {**_OUTPUTS, **{k: _INPUTS[k] for k in INPUT_FIELDS if k not in _OUTPUTS}},
        "required": list(OUTPUT_FIELDS),
    }


def _get_connection() -> dict[str, Any]:
    return {
        "description": (
            "Looks an existing CodeStar connection up by ARN or by name, with its tags and "
            "host; nothing is stored in state. `requireStatus` makes the call fail when the "
            "connection is in another status. The same lookup as the Connection resource, "
            "without drift detection (a function has no state to compare with)."
        ),
        "inputs": {"properties": dict(_INPUTS)},
        "outputs": {"properties": dict(_OUTPUTS), "required": list(OUTPUT_FIELDS)},
    }


def _get_connections() -> dict[str, Any]:
    filters = {
        "providerTypeFilter": _string(
            "Only connections of this provider type (ListConnections' ProviderTypeFilter)."
        ),
        "hostArnFilter": _string("Only connections to this host (ListConnections' HostArnFilter)."),
    }
    inputs = {
        "region": _string(
            "The region to list. Default: the provider's region, else AWS_REGION / "
            "AWS_DEFAULT_REGION or the profile's."
        ),
        "service": _INPUTS["service"],
        **filters,
        **{key: _INPUTS[key] for key in _ACCESS},
    }
    return {
        "description": (
            "Every CodeStar connection of one account and region (ListConnections, every page), "
            "optionally filtered by provider type or host; nothing is stored in state."
        ),
        "inputs": {"properties": inputs},
        "outputs": {
            "properties": {
                "connections": {
                    "type": "array",
                    "items": {"$ref": f"#/types/{_SUMMARY_TOKEN}"},
                    "description": "The connections, in the order AWS lists them.",
                },
                "arns": {
                    "type": "array",
                    "items": _STRING,
                    "description": "Their ARNs, in the same order.",
                },
                "names": {
                    "type": "array",
                    "items": _STRING,
                    "description": "Their names, in the same order.",
                },
                "region": _string("The region listed."),
                "service": _string("The API listed."),
            },
            "required": ["connections", "arns", "names", "region", "service"],
        },
    }


def _config() -> dict[str, Any]:
    return {
        "region": _string(
            "The default region of name lookups and listings. Default: AWS_REGION / "
            "AWS_DEFAULT_REGION, else the profile's."
        ),
        "profile": _string("The AWS profile every lookup reads with, unless it names its own."),
        "assumeRole": {
            "$ref": f"#/types/{_ASSUME_ROLE_TOKEN}",
            "description": "A role every lookup reads through, unless it names its own.",
        },
        "maxAttempts": {
            "type": "integer",
            "description": "HTTP attempts per AWS call, retries included (botocore's adaptive "
            "retry mode; default 3, or AWS_MAX_ATTEMPTS).",
        },
        "connectTimeout": {
            "type": "number",
            "description": "Seconds to wait for a connection to AWS (default 10).",
        },
        "readTimeout": {
            "type": "number",
            "description": "Seconds to wait for an answer from AWS (default 30).",
        },
        "connections": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": {"$ref": "pulumi.json#/Any"}},
            "description": (
                "The connections this stack looks up, each {arn} or {name, region, …} with any "
                "of Connection's inputs: the provider starts all their lookups at the first "
                "one, since the engine checks resources one at a time. Optional; a program can "
                "read the same list to declare its Connections."
            ),
        },
    }


def _assume_role_type() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A role to read through: STS AssumeRole from the base credentials.",
        "properties": {
            "roleArn": _INPUTS["assumeRoleArn"],
            "externalId": _INPUTS["externalId"],
            "sessionName": _INPUTS["sessionName"],
        },
        "required": ["roleArn"],
    }


def schema() -> dict[str, Any]:
    """The package schema, as `pulumi package get-schema` and the SDK generators read it."""
    config = _config()
    return {
        "name": PACKAGE,
        "displayName": "AWS CodeStar Connections",
        "version": __version__,
        "description": (
            "Look up AWS CodeStar connections (GitHub, GitLab, Bitbucket, GitHub Enterprise "
            "Server, GitLab self-managed, Azure DevOps) read-only, with drift detection and a "
            "status gate."
        ),
        "keywords": ["pulumi", "aws", "codestar", "codeconnections", "category/cloud"],
        "homepage": _REPOSITORY,
        "repository": _REPOSITORY,
        "license": "Apache-2.0",
        "publisher": "pulumi-codestar-connections",
        "config": {"variables": config},
        "provider": {
            "description": "Where and how the lookups read AWS; every setting is optional.",
            "inputProperties": config,
        },
        "types": {**_types(), _ASSUME_ROLE_TOKEN: _assume_role_type()},
        "resources": {CONNECTION_TOKEN: _resource()},
        "functions": {
            GET_CONNECTION_TOKEN: _get_connection(),
            GET_CONNECTIONS_TOKEN: _get_connections(),
        },
        "language": {
            "python": {
                "packageName": "pulumi_codestar",
                "requires": {"pulumi": ">=3.231.0,<4.0.0"},
                "pyproject": {"enabled": True},
                "respectSchemaVersion": True,
            },
            "nodejs": {
                "packageName": "@pulumi-codestar-connections/codestar",
                "dependencies": {"@pulumi/pulumi": "^3.142.0"},
                "respectSchemaVersion": True,
            },
            "go": {
                "importBasePath": (
                    "github.com/pulumi-codestar-connections/pulumi-codestar-connections/sdk/go/"
                    "codestar"
                ),
                "generateResourceContainerTypes": True,
                "respectSchemaVersion": True,
            },
        },
    }


def main() -> None:
    json.dump(schema(), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
