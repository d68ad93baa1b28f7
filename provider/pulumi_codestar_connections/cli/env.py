"""Where the CLI's AWS calls go: endpoint override and the region of name lookups and listings.

ARN lookups need neither: the service and region come from the ARN (see core/arns.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from pulumi_codestar_connections.core.errors import CredentialsNotFound

from .exit import UsageError

__all__ = ["ENDPOINT_VARIABLES", "RegionChoice", "resolve_region", "use_endpoint_url"]

# The generic variable and the service-specific ones for both APIs. botocore prefers a
# service-specific variable over AWS_ENDPOINT_URL, so the flag sets all three: a flag on the
# command line must win over whatever the environment says.
ENDPOINT_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS",
    "AWS_ENDPOINT_URL_CODECONNECTIONS",
)


def use_endpoint_url(url: str) -> None:
    """Send every AWS call of this process to ``url`` (``--endpoint-url``).

    The AWS layer makes its clients from botocore sessions that read the endpoint from the
    environment *when a client is created*, and it exposes no endpoint parameter (the Pulumi
    provider never needs one). Setting the variables before the first client exists gives the
    CLI the same effect without a second way of making clients.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"--endpoint-url: {url!r} is not an http(s) URL like https://host:port")
    for variable in ENDPOINT_VARIABLES:
        os.environ[variable] = url


@dataclass(frozen=True, slots=True)
class RegionChoice:
    """A region and where it came from (shown by ``--debug``)."""

    region: str
    source: str


def resolve_region(flag: str | None, *, profile: str | None) -> RegionChoice:
    """The region for name lookups and listings.

    ``--region``, then AWS_REGION, AWS_DEFAULT_REGION (botocore itself reads only the latter;
    the AWS CLI v2 and the other SDKs read both), then the profile's ``region``.
    """
    if flag is not None:
        return RegionChoice(_checked(flag, "--region"), "--region")
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = os.environ.get(variable)
        if value:
            return RegionChoice(_checked(value, variable), variable)
    # Only now is botocore worth importing: the shared config file may name a region.
    import botocore.session
    from botocore.exceptions import ProfileNotFound

    try:
        configured = botocore.session.Session(profile=profile).get_config_variable("region")
    except ProfileNotFound as error:
        raise CredentialsNotFound(
            f"AWS profile {error.kwargs.get('profile')!r} not found while looking for a region: "
            "check --profile / AWS_PROFILE and your ~/.aws/config",
            operation="ResolveRegion",
            code="ProfileNotFound",
        ) from None
    if not configured:
        raise UsageError(
            "no AWS region for a name lookup or listing: pass --region, set AWS_REGION, "
            "or set region in the profile (ARN lookups take the region from the ARN)"
        )
    return RegionChoice(_checked(str(configured), "the profile's region"), "profile")


def _checked(region: str, where: str) -> str:
    from pulumi_codestar_connections.core.rules import region_reason

    refused = region_reason(region)
    if refused:
        raise UsageError(f"{where}: {refused}")
    return region
