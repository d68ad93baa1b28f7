"""Pulumi's dynamic provider host (devkit/dynamic_host.py) started the way the tests need it.

Its environment talks to the emulator with planted credentials: if any of them shows up in a
pickle, state or log, a credential leaked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from devkit.dynamic_host import DynamicHost

__all__ = ["PLANTED", "HostFactory", "host_env"]

PLANTED = {
    "AWS_ACCESS_KEY_ID": "AKIAPLANTEDKEYID0001",
    "AWS_SECRET_ACCESS_KEY": "planted-secret-access-key-0001",
    "AWS_SESSION_TOKEN": "planted-session-token-0001",
}

HostFactory = Callable[..., DynamicHost]
"""``host_factory(config=None, *, unset=(), **env)``: a started host (tests/conftest.py)."""


def host_env(endpoint_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a provider host that talks to ``endpoint_url`` with planted creds."""
    missing = str(tmp / "no-such-aws-file")
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": missing,
        "AWS_SHARED_CREDENTIALS_FILE": missing,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "3",
        **PLANTED,
        **extra,
    }
