"""The words every part uses, each defined once: services, statuses and what they mean, provider
types, the command's name.
"""

from __future__ import annotations

import functools

from .botocore_data import load_service_model

__all__ = [
    "CLI_NAME",
    "CONSOLE_HINT",
    "CONSOLE_PATH",
    "DEFAULT_SERVICE",
    "NEWER_SERVICE",
    "SERVICES",
    "STATUSES",
    "STATUS_MEANING",
    "provider_types",
]

# The two APIs of the same connections: codestar-connections, and since 2024 codeconnections
# (which alone offers AzureDevOps and GitHubEnterpriseCloudDataResidency).
DEFAULT_SERVICE = "codestar-connections"
NEWER_SERVICE = "codeconnections"
SERVICES = (DEFAULT_SERVICE, NEWER_SERVICE)

# ConnectionStatus values (the same in both APIs), and what each means for a person.
STATUSES = ("PENDING", "AVAILABLE", "ERROR")
STATUS_MEANING = {
    "PENDING": (
        "the handshake with the provider was never completed: a person must open the "
        "connection and choose 'Update pending connection' to authorise the app"
    ),
    "AVAILABLE": "the connection is authorised and usable",
    "ERROR": (
        "the provider-side app was removed or lost access (uninstalled, suspended, or its "
        "permissions revoked): reinstall or re-authorise it, then update the connection"
    ),
}

# Where a person sees and fixes connections.
CONSOLE_PATH = "Developer Tools > Settings > Connections"
CONSOLE_HINT = f"{CONSOLE_PATH} in the AWS console"

# The pipeline command (the console script; also `python -m pulumi_codestar_connections`).
CLI_NAME = "codestar-connection"


@functools.cache
def provider_types(service: str) -> tuple[str, ...]:
    """ProviderType values of a service, from botocore's model (AzureDevOps: codeconnections)."""
    model = load_service_model(service)
    return tuple(model["shapes"]["ProviderType"]["enum"])
