"""AWS Organizations: the organization, its OUs and accounts, paging, and who may read them."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import AccountSpec, EmulatorClient, EmulatorControlError
from tests.emulator.conftest import MANAGEMENT, checked_client
from tests.emulator.test_connections import error_of

MEMBER = "222222222222"
OUTSIDER = "999999999999"


def org_as(emulator: EmulatorClient, account: str) -> Any:
    client, _ = checked_client(emulator, "organizations", account=account)
    return client


def all_pages(call: Any, key: str, **params: Any) -> list[list[dict[str, Any]]]:
    """Every page of a list operation, following NextToken by hand."""
    pages = []
    token = None
    while True:
        answer = call(**params, **({"NextToken": token} if token else {}))
        pages.append(answer[key])
        token = answer.get("NextToken")
        if token is None:
            return pages


def test_describe_organization_names_the_management_account(
    emulator: EmulatorClient, org: Any
) -> None:
    described = emulator.organization()

    organization = org.describe_organization()["Organization"]

    assert re.fullmatch(r"o-[a-z0-9]{10}", organization["Id"])
    assert organization["Id"] == described["Id"]
    assert organization["Arn"] == (
        f"arn:aws:organizations::{MANAGEMENT}:organization/{organization['Id']}"
    )
    assert organization["MasterAccountId"] == MANAGEMENT
    assert organization["MasterAccountArn"] == (
        f"arn:aws:organizations::{MANAGEMENT}:account/{organization['Id']}/{MANAGEMENT}"
    )
    assert organization["FeatureSet"] == "ALL"


def test_the_management_account_is_an_account_at_the_root(
    emulator: EmulatorClient, org: Any
) -> None:
    [root] = org.list_roots()["Roots"]

    [account] = org.list_accounts()["Accounts"]

    assert re.fullmatch(r"r-[0-9a-z]{4}", root["Id"])
    assert root["Id"] == emulator.organization()["RootId"]
    assert root["Name"] == "Root"
    assert account["Id"] == MANAGEMENT
    assert account["Status"] == "ACTIVE"
    assert org.list_accounts_for_parent(ParentId=root["Id"])["Accounts"] == [account]


def test_an_account_has_every_field_aws_lists(emulator: EmulatorClient, org: Any) -> None:
    organization_id = emulator.organization()["Id"]
    emulator.create_account("audit", account_id=MEMBER, email="audit@example.com")

    account = org.describe_account(AccountId=MEMBER)["Account"]

    assert account["Id"] == MEMBER
    assert account["Arn"] == (
        f"arn:aws:organizations::{MANAGEMENT}:account/{organization_id}/{MEMBER}"
    )
    assert account["Email"] == "audit@example.com"
    assert account["Name"] == "audit"
    assert account["Status"] == "ACTIVE"
    assert account["JoinedMethod"] == "CREATED"
    assert account["JoinedTimestamp"].tzinfo is not None


@pytest.mark.parametrize("status", ["ACTIVE", "SUSPENDED", "PENDING_CLOSURE"])
def test_accounts_keep_their_status(emulator: EmulatorClient, org: Any, status: str) -> None:
    emulator.create_account("a", account_id=MEMBER, status=status)

    assert org.describe_account(AccountId=MEMBER)["Account"]["Status"] == status


def test_200_accounts_take_10_pages_of_20(emulator: EmulatorClient, org: Any) -> None:
    created = emulator.create_accounts([{"Name": f"acct-{n:03d}"} for n in range(199)])

    pages = all_pages(org.list_accounts, "Accounts")

    assert [len(page) for page in pages] == [20] * 10
    listed = [account["Id"] for page in pages for account in page]
    assert listed == [MANAGEMENT, *created]
    assert len(set(listed)) == 200


def test_the_paginator_walks_every_page(emulator: EmulatorClient, org: Any) -> None:
    emulator.create_accounts([{"Name": f"a{n}"} for n in range(44)])

    pages = list(org.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 7}))

    assert [len(page["Accounts"]) for page in pages] == [7] * 6 + [3]


def test_max_results_over_20_is_refused(org: Any) -> None:
    with pytest.raises(ClientError) as raised:
        org.list_accounts(MaxResults=21)

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_next_token_of_another_list_is_invalid_input(emulator: EmulatorClient, org: Any) -> None:
    emulator.create_accounts([{"Name": f"a{n}"} for n in range(5)])
    token = org.list_accounts(MaxResults=2)["NextToken"]
    root = emulator.organization()["RootId"]

    with pytest.raises(org.exceptions.InvalidInputException) as raised:
        org.list_accounts_for_parent(ParentId=root, NextToken=token)

    assert raised.value.response["Reason"] == "INVALID_NEXT_TOKEN"


def test_ou_subtree_lists_every_account_once(emulator: EmulatorClient, org: Any) -> None:
    root = emulator.organization()["RootId"]
    workloads = emulator.create_organizational_unit("workloads")
    prod = emulator.create_organizational_unit("prod", workloads)
    eu = emulator.create_organizational_unit("eu", prod)
    sandbox = emulator.create_organizational_unit("sandbox")
    placed = {
        workloads: emulator.create_accounts([{"Name": "w1", "ParentId": workloads}]),
        prod: emulator.create_accounts([{"Name": f"p{n}", "ParentId": prod} for n in range(25)]),
        eu: emulator.create_accounts([{"Name": f"eu{n}", "ParentId": eu} for n in range(3)]),
        sandbox: [],
    }

    def subtree(parent: str) -> list[str]:
        accounts = [
            a["Id"]
            for page in all_pages(org.list_accounts_for_parent, "Accounts", ParentId=parent)
            for a in page
        ]
        for page in all_pages(
            org.list_organizational_units_for_parent, "OrganizationalUnits", ParentId=parent
        ):
            for unit in page:
                accounts += subtree(unit["Id"])
        return accounts

    assert sorted(subtree(workloads)) == sorted(placed[workloads] + placed[prod] + placed[eu])
    everyone = [MANAGEMENT, *itertools.chain.from_iterable(placed.values())]
    assert sorted(subtree(root)) == sorted(everyone)
    assert subtree(sandbox) == []


def test_ou_ids_arns_and_paths_follow_aws(emulator: EmulatorClient, org: Any) -> None:
    described = emulator.organization()
    root, organization_id = described["RootId"], described["Id"]
    parent = emulator.create_organizational_unit("parent")
    child = emulator.create_organizational_unit("child", parent)

    [unit] = org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]

    assert re.fullmatch(rf"ou-{root.removeprefix('r-')}-[a-z0-9]{{8}}", child)
    assert unit == {
        "Id": child,
        "Arn": f"arn:aws:organizations::{MANAGEMENT}:ou/{organization_id}/{child}",
        "Name": "child",
        "Path": f"{organization_id}/{root}/{parent}/{child}/",
    }


def test_list_children_by_type(emulator: EmulatorClient, org: Any) -> None:
    root = emulator.organization()["RootId"]
    unit = emulator.create_organizational_unit("u")
    member = emulator.create_account("m")

    accounts = org.list_children(ParentId=root, ChildType="ACCOUNT")["Children"]
    units = org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")["Children"]

    assert accounts == [
        {"Id": MANAGEMENT, "Type": "ACCOUNT"},
        {"Id": member, "Type": "ACCOUNT"},
    ]
    assert units == [{"Id": unit, "Type": "ORGANIZATIONAL_UNIT"}]


@pytest.mark.parametrize("parent", ["ou-abcd-12345678", "r-zzzz"])
def test_an_unknown_parent_is_not_found(org: Any, parent: str) -> None:
    for call in (
        org.list_accounts_for_parent,
        org.list_organizational_units_for_parent,
    ):
        with pytest.raises(org.exceptions.ParentNotFoundException) as raised:
            call(ParentId=parent)
        assert error_of(raised) == (
            "ParentNotFoundException",
            "We can't find a root or OU with the ParentId that you specified.",
        )


def test_an_unknown_account_is_not_found(org: Any) -> None:
    with pytest.raises(org.exceptions.AccountNotFoundException):
        org.describe_account(AccountId="333333333333")


def test_a_member_account_is_denied(emulator: EmulatorClient) -> None:
    emulator.create_account("member", account_id=MEMBER)
    member = org_as(emulator, MEMBER)

    for call in (member.list_accounts, member.list_roots):
        with pytest.raises(member.exceptions.AccessDeniedException) as raised:
            call()
        assert error_of(raised) == (
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        )
    # As in AWS, any member may describe the organization it belongs to.
    assert member.describe_organization()["Organization"]["MasterAccountId"] == MANAGEMENT
    assert emulator.calls("ListAccounts")[-1]["Account"] == MEMBER


def test_a_delegated_administrator_may_read_the_organization(emulator: EmulatorClient) -> None:
    emulator.create_account("security", account_id=MEMBER)
    emulator.create_accounts([{"Name": f"a{n}"} for n in range(3)])
    emulator.register_delegated_administrator(MEMBER, "securityhub.amazonaws.com")
    delegate = org_as(emulator, MEMBER)

    listed = delegate.list_accounts()["Accounts"]
    [admin] = delegate.list_delegated_administrators()["DelegatedAdministrators"]

    assert len(listed) == 5
    assert admin["Id"] == MEMBER
    assert admin["DelegationEnabledDate"].tzinfo is not None
    filtered = delegate.list_delegated_administrators(ServicePrincipal="other.amazonaws.com")
    assert filtered["DelegatedAdministrators"] == []


def test_an_account_outside_the_organization_is_told_so(emulator: EmulatorClient) -> None:
    outsider = org_as(emulator, OUTSIDER)

    for call in (outsider.describe_organization, outsider.list_accounts):
        with pytest.raises(outsider.exceptions.AWSOrganizationsNotInUseException) as raised:
            call()
        assert error_of(raised)[1] == "Your account is not a member of an organization."


def test_reset_leaves_the_management_account_alone(emulator: EmulatorClient, org: Any) -> None:
    before = emulator.organization()
    emulator.create_account("a", account_id=MEMBER)
    emulator.create_organizational_unit("u")
    emulator.register_delegated_administrator(MEMBER)

    emulator.reset()

    assert emulator.organization() == before
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == [MANAGEMENT]
    assert (
        org.list_organizational_units_for_parent(ParentId=before["RootId"])["OrganizationalUnits"]
        == []
    )


def test_organizations_calls_are_logged(emulator: EmulatorClient, org: Any) -> None:
    org.list_roots()

    [call] = emulator.calls()

    assert (call["Service"], call["Operation"], call["Account"]) == (
        "organizations",
        "ListRoots",
        MANAGEMENT,
    )
    assert (call["Region"], call["AccessKeyId"], call["HttpStatus"]) == (
        "us-east-1",
        "testing",
        200,
    )


@pytest.mark.parametrize(
    ("spec", "status", "message"),
    [
        (
            {"Name": "a", "ParentId": "ou-abcd-12345678"},
            404,
            "Parent ou-abcd-12345678 does not exist",
        ),
        (
            {"Name": "a", "Id": MANAGEMENT},
            400,
            f"Account {MANAGEMENT} is already in the organization",
        ),
        ({"Name": "a", "Id": "12"}, 400, "Id must be 12 digits"),
        (
            {"Name": "a", "Status": "GONE"},
            400,
            "Status must be one of ACTIVE, SUSPENDED, PENDING_CLOSURE",
        ),
        ({"Name": ""}, 400, "Name must be 1 to 50 characters long"),
        ({"Name": "a", "Email": "nope"}, 400, "Email 'nope' is not an email address"),
    ],
)
def test_account_seeding_refuses_what_makes_no_sense(
    emulator: EmulatorClient, spec: AccountSpec, status: int, message: str
) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        emulator.create_accounts([{"Name": "fine"}, spec])

    assert (raised.value.status, raised.value.message) == (status, message)
    # All or none: the valid account before the bad one was not created either.
    assert emulator.boto3_client("organizations").list_accounts()["Accounts"][1:] == []


def test_the_management_account_cannot_be_a_delegated_administrator(
    emulator: EmulatorClient,
) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        emulator.register_delegated_administrator(MANAGEMENT)

    assert raised.value.status == 400
    with pytest.raises(EmulatorControlError) as unknown:
        emulator.register_delegated_administrator(OUTSIDER)
    assert unknown.value.status == 404
