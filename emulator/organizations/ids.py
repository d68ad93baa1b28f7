"""Ids and ARNs of the organization's records, in AWS's formats (pure, no state)."""

from __future__ import annotations

import secrets
import string

__all__ = [
    "account_arn",
    "new_account_id",
    "new_organization_id",
    "new_root_id",
    "new_unit_id",
    "organization_arn",
    "root_arn",
    "unit_arn",
]

_LOWER = string.ascii_lowercase + string.digits


def _random(length: int) -> str:
    return "".join(secrets.choice(_LOWER) for _ in range(length))


def new_organization_id() -> str:
    """``o-`` and ten characters."""
    return f"o-{_random(10)}"


def new_root_id() -> str:
    """``r-`` and four characters."""
    return f"r-{_random(4)}"


def new_unit_id(root_id: str) -> str:
    """``ou-``, the root's four characters, ``-`` and eight more, as AWS makes them."""
    return f"ou-{root_id.removeprefix('r-')}-{_random(8)}"


def new_account_id(taken: set[str] | dict[str, object]) -> str:
    while True:
        candidate = "".join(secrets.choice(string.digits) for _ in range(12))
        if candidate[0] != "0" and candidate not in taken:
            return candidate


def organization_arn(management: str, organization_id: str) -> str:
    return f"arn:aws:organizations::{management}:organization/{organization_id}"


def root_arn(management: str, organization_id: str, root_id: str) -> str:
    return f"arn:aws:organizations::{management}:root/{organization_id}/{root_id}"


def unit_arn(management: str, organization_id: str, unit_id: str) -> str:
    return f"arn:aws:organizations::{management}:ou/{organization_id}/{unit_id}"


def account_arn(management: str, organization_id: str, account_id: str) -> str:
    return f"arn:aws:organizations::{management}:account/{organization_id}/{account_id}"
