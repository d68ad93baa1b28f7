"""The IAM roles callers may assume: who trusts whom, and which ExternalId a role demands.

A role trusts the accounts it lists (``trusted_accounts``) or, without a list, the accounts the
emulator trusts by default (every account of the organization and the default account: the
service decides, see service.py).
"""

from __future__ import annotations

import re
import secrets
import string
import threading
from dataclasses import dataclass

__all__ = [
    "ORGANIZATION_ROLE",
    "ROLE_NAME",
    "Role",
    "RoleStore",
    "parse_role_arn",
    "role_arn",
]

ORGANIZATION_ROLE = "OrganizationAccountAccessRole"
"""The role AWS creates in every account created in an organization."""

ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[^/]+)")
_ID_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class Role:
    account: str
    name: str
    role_id: str
    """AWS's unique id of the role (``AROA…``)."""
    external_id: str | None = None
    trusted_accounts: frozenset[str] | None = None
    """None: the emulator's default trust (see the module docstring)."""

    @property
    def arn(self) -> str:
        return role_arn(self.account, self.name)

    def to_json(self) -> dict[str, object]:
        return {
            "Account": self.account,
            "RoleName": self.name,
            "Arn": self.arn,
            "RoleId": self.role_id,
            "ExternalId": self.external_id,
            "TrustedAccounts": None
            if self.trusted_accounts is None
            else sorted(self.trusted_accounts),
        }


def role_arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def parse_role_arn(arn: str) -> tuple[str, str] | None:
    """(account, role name) of a role ARN (a path before the name is allowed); None if not one."""
    match = _ROLE_ARN.fullmatch(arn)
    return None if match is None else (match["account"], match["name"])


class RoleStore:
    """Roles by (account, name)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roles: dict[tuple[str, str], Role] = {}

    def put(
        self,
        account: str,
        name: str,
        *,
        external_id: str | None = None,
        trusted_accounts: frozenset[str] | None = None,
    ) -> Role:
        """Create the role, or replace the one of that name (keeping its id)."""
        with self._lock:
            existing = self._roles.get((account, name))
            role = Role(
                account=account,
                name=name,
                role_id=existing.role_id if existing else _new_role_id(),
                external_id=external_id,
                trusted_accounts=trusted_accounts,
            )
            self._roles[(account, name)] = role
            return role

    def ensure(self, account: str, name: str) -> Role:
        """The role, created with the default trust if it does not exist yet."""
        with self._lock:
            role = self._roles.get((account, name))
            if role is None:
                role = Role(account=account, name=name, role_id=_new_role_id())
                self._roles[(account, name)] = role
            return role

    def find(self, account: str, name: str) -> Role | None:
        return self._roles.get((account, name))

    def all(self) -> list[Role]:
        with self._lock:
            return sorted(self._roles.values(), key=lambda role: (role.account, role.name))

    def reset(self) -> None:
        with self._lock:
            self._roles.clear()


def _new_role_id() -> str:
    return "AROA" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(17))
