"""The records of the organization: accounts and organizational units, as AWS describes them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACCOUNT_STATUSES",
    "JOINED_METHODS",
    "Account",
    "AccountSeed",
    "OrganizationalUnit",
]

ACCOUNT_STATUSES = ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE")
JOINED_METHODS = ("CREATED", "INVITED")


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    email: str
    status: str
    joined_method: str
    joined_at: float
    """Seconds since the epoch."""
    parent_id: str
    """The root's or an OU's id."""


@dataclass(frozen=True)
class AccountSeed:
    """An account the control API asks for (checked already, except against the records)."""

    name: str
    id: str | None = None
    email: str | None = None
    status: str = "ACTIVE"
    parent_id: str | None = None
    """None: the root."""
    joined_method: str = "CREATED"


@dataclass(frozen=True)
class OrganizationalUnit:
    id: str
    name: str
    parent_id: str
