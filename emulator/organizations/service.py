"""AWS Organizations as a service the emulator's plumbing answers (AWS JSON 1.1).

Its API comes from botocore's model (apis.py), its operations from operations.py over the
OrganizationBackend (backend.py). Control routes::

    GET    /_emulator/organization      {"Id", "Arn", "RootId", "ManagementAccountId"}
    POST   /_emulator/accounts          {"Name", "Id"?, "Email"?, "Status"?, "ParentId"?,
                                         "JoinedMethod"?} -> {"Id"}
    POST   /_emulator/accounts/batch    {"Accounts": [{...as above}, ...]} -> {"Ids": [...]}
                                        (all or none)
    POST   /_emulator/organizational-units
                                        {"Name", "ParentId"?} -> {"Id"} (no ParentId: the root)
    POST   /_emulator/delegated-administrators
                                        {"AccountId", "ServicePrincipal"?} -> {}

Status is ACTIVE (default), SUSPENDED or PENDING_CLOSURE; JoinedMethod CREATED (default: the
account gets the role OrganizationAccountAccessRole, as AWS gives it) or INVITED. An unknown
ParentId is 404. Reset leaves the organization with its management account alone (same ids).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from emulator.core.errors import ValidationException
from emulator.core.jsonfields import optional_str, require_list, require_object, require_str
from emulator.core.service import RequestContext, Route, ServiceApi
from emulator.organizations.apis import apis
from emulator.organizations.backend import OrganizationBackend
from emulator.organizations.operations import HANDLERS, authorize
from emulator.organizations.records import ACCOUNT_STATUSES, JOINED_METHODS, AccountSeed

__all__ = ["DEFAULT_SERVICE_PRINCIPAL", "Organizations"]

DEFAULT_SERVICE_PRINCIPAL = "codestar-connections.amazonaws.com"
_ACCOUNT = re.compile(r"\d{12}")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


class Organizations:
    """The service over one OrganizationBackend."""

    title = "Organizations"
    apis_title = "Organizations"
    arn_members: tuple[str, ...] = ()

    def __init__(self, backend: OrganizationBackend) -> None:
        self.backend = backend

    @property
    def apis(self) -> tuple[ServiceApi, ...]:
        return apis()

    def supports(self, operation: str) -> bool:
        return operation in HANDLERS

    def call(
        self, operation: str, context: RequestContext, params: dict[str, object]
    ) -> dict[str, object]:
        authorize(self.backend, operation, context.account)
        return HANDLERS[operation](self.backend, context, params)

    def control_routes(self) -> Mapping[tuple[str, str], Route]:
        return {
            ("GET", "organization"): self._describe,
            ("POST", "accounts"): self._create_account,
            ("POST", "accounts/batch"): self._create_accounts,
            ("POST", "organizational-units"): self._create_unit,
            ("POST", "delegated-administrators"): self._register_delegate,
        }

    def reset(self) -> None:
        self.backend.reset()

    def _describe(self, _: dict[str, object]) -> object:
        return {
            "Id": self.backend.organization_id,
            "Arn": self.backend.arn,
            "RootId": self.backend.root_id,
            "ManagementAccountId": self.backend.management_account,
        }

    def _create_account(self, body: dict[str, object]) -> object:
        [account] = self.backend.create_accounts([_seed(body)])
        return {"Id": account.id}

    def _create_accounts(self, body: dict[str, object]) -> object:
        items = require_list(body.get("Accounts"), "Accounts")
        seeds = [_seed(require_object(item, "each of Accounts")) for item in items]
        return {"Ids": [account.id for account in self.backend.create_accounts(seeds)]}

    def _create_unit(self, body: dict[str, object]) -> object:
        name = require_str(body, "Name")
        if not 1 <= len(name) <= 128:
            raise ValidationException("Name must be 1 to 128 characters long")
        return {"Id": self.backend.create_unit(name, optional_str(body, "ParentId")).id}

    def _register_delegate(self, body: dict[str, object]) -> object:
        account = require_str(body, "AccountId")
        principal = optional_str(body, "ServicePrincipal") or DEFAULT_SERVICE_PRINCIPAL
        self.backend.register_delegated_administrator(account, principal)
        return {}


def _seed(body: dict[str, object]) -> AccountSeed:
    name = require_str(body, "Name")
    if not 1 <= len(name) <= 50:
        raise ValidationException("Name must be 1 to 50 characters long")
    account_id = optional_str(body, "Id")
    if account_id is not None and not _ACCOUNT.fullmatch(account_id):
        raise ValidationException("Id must be 12 digits")
    email = optional_str(body, "Email")
    if email is not None and not _EMAIL.fullmatch(email):
        raise ValidationException(f"Email {email!r} is not an email address")
    status = optional_str(body, "Status") or "ACTIVE"
    if status not in ACCOUNT_STATUSES:
        raise ValidationException(f"Status must be one of {', '.join(ACCOUNT_STATUSES)}")
    joined = optional_str(body, "JoinedMethod") or "CREATED"
    if joined not in JOINED_METHODS:
        raise ValidationException(f"JoinedMethod must be one of {', '.join(JOINED_METHODS)}")
    return AccountSeed(
        name=name,
        id=account_id,
        email=email,
        status=status,
        parent_id=optional_str(body, "ParentId"),
        joined_method=joined,
    )
