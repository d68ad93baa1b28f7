"""The supported Organizations operations: access check, then records out, a page at a time.

Only the management account and delegated administrators may read the organization (any member
may DescribeOrganization); an account outside it is told the organization is not in use. Lists
page as AWS's do: MaxResults 1..20 (the model checks), 20 when not given, opaque NextTokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from emulator.core.errors import ValidationException
from emulator.core.jsonfields import optional_int, optional_str, require_str
from emulator.core.paging import page
from emulator.core.service import RequestContext
from emulator.organizations.backend import OrganizationBackend
from emulator.organizations.errors import (
    AccessDeniedException,
    AccountNotFoundException,
    AWSOrganizationsNotInUseException,
    InvalidInputException,
    ParentNotFoundException,
)
from emulator.organizations.records import Account

__all__ = ["HANDLERS", "PAGE_SIZE", "Handler", "authorize"]

PAGE_SIZE = 20
"""AWS's page size for Organizations lists when MaxResults is not given."""

Handler = Callable[[OrganizationBackend, RequestContext, dict[str, object]], dict[str, object]]

# Any member account may call these; the rest need the management account or a delegate.
_OPEN_TO_MEMBERS = frozenset({"DescribeOrganization"})

Item = TypeVar("Item")


def authorize(backend: OrganizationBackend, operation: str, account: str) -> None:
    """Raise what AWS answers when ``account`` may not call ``operation``."""
    standing = backend.standing(account)
    if not standing.member:
        raise AWSOrganizationsNotInUseException()
    if operation in _OPEN_TO_MEMBERS:
        return
    if not (standing.management or standing.delegated_administrator):
        raise AccessDeniedException()


def _describe_organization(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    management = backend.management()
    return {
        "Organization": {
            "Id": backend.organization_id,
            "Arn": backend.arn,
            "FeatureSet": "ALL",
            "MasterAccountArn": backend.account_arn(management.id),
            "MasterAccountId": management.id,
            "MasterAccountEmail": management.email,
            "AvailablePolicyTypes": [],
        }
    }


def _list_roots(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    root = {"Id": backend.root_id, "Arn": backend.root_arn, "Name": "Root", "PolicyTypes": []}
    roots, token = _page([root], "ListRoots", params)
    return {"Roots": roots, "NextToken": token}


def _list_accounts(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    accounts, token = _page(backend.accounts(), "ListAccounts", params)
    return {"Accounts": [_account_out(backend, a) for a in accounts], "NextToken": token}


def _list_accounts_for_parent(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    parent = _parent(backend, params)
    accounts, token = _page(
        backend.accounts_under(parent), f"ListAccountsForParent|{parent}", params
    )
    return {"Accounts": [_account_out(backend, a) for a in accounts], "NextToken": token}


def _list_organizational_units_for_parent(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    parent = _parent(backend, params)
    units, token = _page(
        backend.units_under(parent), f"ListOrganizationalUnitsForParent|{parent}", params
    )
    return {
        "OrganizationalUnits": [
            {
                "Id": unit.id,
                "Arn": backend.unit_arn(unit.id),
                "Name": unit.name,
                "Path": backend.unit_path(unit.id),
            }
            for unit in units
        ],
        "NextToken": token,
    }


def _list_children(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    parent = _parent(backend, params)
    child_type = require_str(params, "ChildType")
    ids = (
        [account.id for account in backend.accounts_under(parent)]
        if child_type == "ACCOUNT"
        else [unit.id for unit in backend.units_under(parent)]
    )
    children, token = _page(ids, f"ListChildren|{parent}|{child_type}", params)
    return {
        "Children": [{"Id": child, "Type": child_type} for child in children],
        "NextToken": token,
    }


def _describe_account(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    account = backend.account(require_str(params, "AccountId"))
    if account is None:
        raise AccountNotFoundException()
    return {"Account": _account_out(backend, account)}


def _list_delegated_administrators(
    backend: OrganizationBackend, context: RequestContext, params: dict[str, object]
) -> dict[str, object]:
    principal = optional_str(params, "ServicePrincipal")
    delegates, token = _page(
        backend.delegated_administrators(principal),
        f"ListDelegatedAdministrators|{principal}",
        params,
    )
    return {
        "DelegatedAdministrators": [
            {**_account_out(backend, account), "DelegationEnabledDate": since}
            for account, since in delegates
        ],
        "NextToken": token,
    }


HANDLERS: dict[str, Handler] = {
    "DescribeOrganization": _describe_organization,
    "ListRoots": _list_roots,
    "ListAccounts": _list_accounts,
    "ListAccountsForParent": _list_accounts_for_parent,
    "ListOrganizationalUnitsForParent": _list_organizational_units_for_parent,
    "ListChildren": _list_children,
    "DescribeAccount": _describe_account,
    "ListDelegatedAdministrators": _list_delegated_administrators,
}


def _parent(backend: OrganizationBackend, params: dict[str, object]) -> str:
    parent = require_str(params, "ParentId")
    if not backend.parent_exists(parent):
        raise ParentNotFoundException()
    return parent


def _page(
    items: Sequence[Item], query: str, params: dict[str, object]
) -> tuple[list[Item], str | None]:
    """A page of ``items`` (in their order: nothing is ever deleted, so positions hold)."""
    try:
        chosen, token = page(
            list(enumerate(items, start=1)),
            position=lambda pair: pair[0],
            query=query,
            max_results=optional_int(params, "MaxResults"),
            next_token=optional_str(params, "NextToken"),
            default_size=PAGE_SIZE,
        )
    except ValidationException:
        raise InvalidInputException(
            "You specified an invalid value for nextToken. You must get the value from the "
            "response to a previous call to the API.",
            "INVALID_NEXT_TOKEN",
        ) from None
    return [item for _, item in chosen], token


def _account_out(backend: OrganizationBackend, account: Account) -> dict[str, object]:
    return {
        "Id": account.id,
        "Arn": backend.account_arn(account.id),
        "Email": account.email,
        "Name": account.name,
        "Status": account.status,
        "State": account.status,
        "JoinedMethod": account.joined_method,
        "JoinedTimestamp": account.joined_at,
    }
