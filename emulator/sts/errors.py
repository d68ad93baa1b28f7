"""STS's own errors (the Query protocol sends their codes as they are)."""

from __future__ import annotations

from emulator.core.errors import AwsError

__all__ = ["AccessDenied", "RegionDisabledException"]


class AccessDenied(AwsError):
    """The role does not exist, does not trust the caller, or wants another ExternalId."""

    code = "AccessDenied"
    http_status = 403


class RegionDisabledException(AwsError):
    """The role's account has not enabled the (opt-in) region the request was sent to."""

    code = "RegionDisabledException"
    http_status = 403
