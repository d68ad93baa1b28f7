"""How to authenticate a lookup through a role: plain data, no botocore.

Kept apart from the AWS layer (aws/clients.py) so that a Pulumi program, which validates its inputs
but never calls AWS itself, does not pay for importing botocore.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_SESSION_NAME", "AssumeRole"]

DEFAULT_SESSION_NAME = "pulumi-codestar-connections"


@dataclass(frozen=True, slots=True)
class AssumeRole:
    """Read through a role (cross-account): STS AssumeRole from the base credentials."""

    role_arn: str
    external_id: str | None = None
    session_name: str = DEFAULT_SESSION_NAME
