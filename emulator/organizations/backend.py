"""The organization: its management account, root, OUs, accounts and delegated administrators.

The management account is the server's default account and an account of the organization (at
the root). Records are immutable; every public method takes the one lock. ``on_account_created``
is told of each account created with JoinedMethod CREATED, after the lock is released (the
emulator gives it AWS's OrganizationAccountAccessRole there: emulator/server.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from emulator.core.errors import ResourceNotFoundException, ValidationException
from emulator.organizations.ids import (
    account_arn,
    new_account_id,
    new_organization_id,
    new_root_id,
    new_unit_id,
    organization_arn,
    root_arn,
    unit_arn,
)
from emulator.organizations.records import Account, AccountSeed, OrganizationalUnit

__all__ = ["OrganizationBackend", "Standing"]

ROOT_NAME = "Root"


@dataclass(frozen=True)
class Standing:
    """What an account is to the organization, for access checks."""

    member: bool
    management: bool = False
    delegated_administrator: bool = False


class OrganizationBackend:
    """One organization, managed by ``management_account``."""

    def __init__(
        self,
        management_account: str,
        *,
        on_account_created: Callable[[str], None] | None = None,
    ) -> None:
        self.management_account = management_account
        self.organization_id = new_organization_id()
        self.root_id = new_root_id()
        self._on_account_created = on_account_created
        self._lock = threading.RLock()
        self._created_at = time.time()
        self._accounts: dict[str, Account] = {}
        self._units: dict[str, OrganizationalUnit] = {}
        # account id -> service principal -> when it was registered
        self._delegated: dict[str, dict[str, float]] = {}
        self.reset()

    # ARNs

    @property
    def arn(self) -> str:
        return organization_arn(self.management_account, self.organization_id)

    @property
    def root_arn(self) -> str:
        return root_arn(self.management_account, self.organization_id, self.root_id)

    def account_arn(self, account_id: str) -> str:
        return account_arn(self.management_account, self.organization_id, account_id)

    def unit_arn(self, unit_id: str) -> str:
        return unit_arn(self.management_account, self.organization_id, unit_id)

    # Scene setting (the control API)

    def create_accounts(self, seeds: list[AccountSeed]) -> list[Account]:
        """Create every account of ``seeds`` or none."""
        with self._lock:
            taken = set(self._accounts)
            created: list[Account] = []
            for seed in seeds:
                parent = seed.parent_id or self.root_id
                if not self._parent_exists(parent):
                    raise ResourceNotFoundException(f"Parent {parent} does not exist")
                if seed.id is not None and seed.id in taken:
                    raise ValidationException(f"Account {seed.id} is already in the organization")
                account_id = seed.id or new_account_id(taken)
                taken.add(account_id)
                created.append(
                    Account(
                        id=account_id,
                        name=seed.name,
                        email=seed.email or f"aws+{account_id}@example.com",
                        status=seed.status,
                        joined_method=seed.joined_method,
                        joined_at=time.time(),
                        parent_id=parent,
                    )
                )
            for account in created:
                self._accounts[account.id] = account
        if self._on_account_created is not None:
            for account in created:
                if account.joined_method == "CREATED":
                    self._on_account_created(account.id)
        return created

    def create_unit(self, name: str, parent_id: str | None) -> OrganizationalUnit:
        with self._lock:
            parent = parent_id or self.root_id
            if not self._parent_exists(parent):
                raise ResourceNotFoundException(f"Parent {parent} does not exist")
            unit_id = new_unit_id(self.root_id)
            while unit_id in self._units:
                unit_id = new_unit_id(self.root_id)
            unit = OrganizationalUnit(id=unit_id, name=name, parent_id=parent)
            self._units[unit_id] = unit
            return unit

    def register_delegated_administrator(self, account_id: str, service_principal: str) -> None:
        with self._lock:
            if account_id not in self._accounts:
                raise ResourceNotFoundException(f"Account {account_id} is not in the organization")
            if account_id == self.management_account:
                raise ValidationException(
                    "The management account cannot be a delegated administrator"
                )
            self._delegated.setdefault(account_id, {}).setdefault(service_principal, time.time())

    def reset(self) -> None:
        """Back to an organization of the management account alone."""
        with self._lock:
            self._accounts = {
                self.management_account: Account(
                    id=self.management_account,
                    name="management",
                    email=f"aws+{self.management_account}@example.com",
                    status="ACTIVE",
                    joined_method="INVITED",
                    joined_at=self._created_at,
                    parent_id=self.root_id,
                )
            }
            self._units = {}
            self._delegated = {}

    # Reads

    def standing(self, account_id: str) -> Standing:
        # Dict reads only: atomic under the GIL, and this runs on every request.
        if account_id not in self._accounts:
            return Standing(member=False)
        return Standing(
            member=True,
            management=account_id == self.management_account,
            delegated_administrator=bool(self._delegated.get(account_id)),
        )

    def is_member(self, account_id: str) -> bool:
        return account_id in self._accounts

    def management(self) -> Account:
        with self._lock:
            return self._accounts[self.management_account]

    def accounts(self) -> list[Account]:
        """Every account, in the order they joined."""
        with self._lock:
            return list(self._accounts.values())

    def account(self, account_id: str) -> Account | None:
        return self._accounts.get(account_id)

    def parent_exists(self, parent_id: str) -> bool:
        with self._lock:
            return self._parent_exists(parent_id)

    def accounts_under(self, parent_id: str) -> list[Account]:
        with self._lock:
            return [a for a in self._accounts.values() if a.parent_id == parent_id]

    def units_under(self, parent_id: str) -> list[OrganizationalUnit]:
        with self._lock:
            return [u for u in self._units.values() if u.parent_id == parent_id]

    def unit_path(self, unit_id: str) -> str:
        """``o-…/r-…/ou-…/ou-…/``: the ids from the organization down to the unit."""
        with self._lock:
            chain: list[str] = []
            current: str | None = unit_id
            while current is not None and current in self._units:
                chain.append(current)
                current = self._units[current].parent_id
            return "/".join([self.organization_id, self.root_id, *reversed(chain)]) + "/"

    def delegated_administrators(
        self, service_principal: str | None
    ) -> list[tuple[Account, float]]:
        """(account, when its first matching delegation was registered), in joining order."""
        with self._lock:
            found: list[tuple[Account, float]] = []
            for account in self._accounts.values():
                principals = self._delegated.get(account.id, {})
                dates = [
                    when
                    for principal, when in principals.items()
                    if service_principal is None or principal == service_principal
                ]
                if dates:
                    found.append((account, min(dates)))
            return found

    # Internals (caller holds the lock)

    def _parent_exists(self, parent_id: str) -> bool:
        return parent_id == self.root_id or parent_id in self._units
