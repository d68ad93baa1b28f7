"""STS: who the caller is, AssumeRole's trust and ExternalId rules, and sessions that expire."""

from __future__ import annotations

import datetime
import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import NO_RETRIES, EmulatorClient, EmulatorControlError
from tests.emulator.conftest import MANAGEMENT, checked_client, sts_client
from tests.emulator.test_connections import error_of
from tests.emulator.test_control import control

MEMBER = "222222222222"
OUTSIDER = "999999999999"
ORG_ROLE = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"


def denied(caller_arn: str, role_arn: str) -> tuple[str, str]:
    return (
        "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
    )


def assume(sts: Any, role_arn: str = ORG_ROLE, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = sts.assume_role(
        RoleArn=role_arn, RoleSessionName=params.pop("RoleSessionName", "inventory"), **params
    )
    return answer


def test_get_caller_identity_of_long_term_keys(emulator: EmulatorClient, sts: Any) -> None:
    default = sts.get_caller_identity()
    as_account = sts_client(emulator, account=MEMBER).get_caller_identity()

    assert {k: default[k] for k in ("Account", "Arn", "UserId")} == {
        "Account": MANAGEMENT,
        "Arn": f"arn:aws:iam::{MANAGEMENT}:root",
        "UserId": MANAGEMENT,
    }
    assert (as_account["Account"], as_account["Arn"]) == (MEMBER, f"arn:aws:iam::{MEMBER}:root")


def test_assume_role_answers_session_credentials(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)

    before = time.time()
    answer = assume(sts, RoleSessionName="inventory")

    credentials = answer["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"])
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["SessionToken"]
    expires = credentials["Expiration"].timestamp()
    assert before + 3600 <= expires <= time.time() + 3601
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == (
        f"arn:aws:sts::{MEMBER}:assumed-role/OrganizationAccountAccessRole/inventory"
    )
    assert re.fullmatch(r"AROA[A-Z0-9]{17}:inventory", user["AssumedRoleId"])


def test_each_assume_role_issues_fresh_keys(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)

    first, second = assume(sts)["Credentials"], assume(sts)["Credentials"]

    assert first["AccessKeyId"] != second["AccessKeyId"]
    assert first["SecretAccessKey"] != second["SecretAccessKey"]


def test_duration_seconds_sets_the_expiry(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)

    before = time.time()
    expires = assume(sts, DurationSeconds=900)["Credentials"]["Expiration"].timestamp()

    assert before + 900 <= expires <= time.time() + 901


@pytest.mark.parametrize(
    ("seconds", "constraint"),
    [
        (899, "Member must have value greater than or equal to 900"),
        (43201, "Member must have value less than or equal to 43200"),
    ],
)
def test_duration_seconds_outside_900_to_43200_is_a_validation_error(
    emulator: EmulatorClient, seconds: int, constraint: str
) -> None:
    emulator.create_account("member", account_id=MEMBER)
    unvalidated = sts_client(emulator, parameter_validation=False)

    with pytest.raises(ClientError) as raised:
        assume(unvalidated, DurationSeconds=seconds)

    assert error_of(raised) == (
        "ValidationError",
        f"1 validation error detected: Value {seconds} at 'durationSeconds' failed to satisfy "
        f"constraint: {constraint}",
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_assume_role_into_a_member_then_list_connections_sees_only_its_own(
    emulator: EmulatorClient, sts: Any
) -> None:
    emulator.create_account("member", account_id=MEMBER)
    mine = emulator.create_connection("member-conn", account=MEMBER)
    emulator.create_connection("management-conn")
    emulator.create_connection("member-elsewhere", account=MEMBER, region="eu-west-1")

    credentials = assume(sts)["Credentials"]
    client, raw = checked_client(emulator, "codeconnections", credentials=credentials)

    listed = client.list_connections()["Connections"]

    assert [c["ConnectionArn"] for c in listed] == [mine]
    raw.assert_all_match()
    call = emulator.calls("ListConnections")[-1]
    assert (call["Account"], call["AccessKeyId"]) == (MEMBER, credentials["AccessKeyId"])
    caller = sts_client(emulator, credentials=credentials).get_caller_identity()
    assert caller["Account"] == MEMBER
    assert caller["Arn"] == (
        f"arn:aws:sts::{MEMBER}:assumed-role/OrganizationAccountAccessRole/inventory"
    )
    assert caller["UserId"].endswith(":inventory")


def test_an_unknown_role_is_access_denied(emulator: EmulatorClient, sts: Any) -> None:
    role = "arn:aws:iam::222222222222:role/Audit"

    with pytest.raises(ClientError) as raised:
        assume(sts, role)

    assert error_of(raised) == denied(f"arn:aws:iam::{MANAGEMENT}:root", role)
    assert dict(raised.value.response["Error"]).get("Type") == "Sender"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_access_denied_names_the_callers_account(emulator: EmulatorClient) -> None:
    role = emulator.create_role(MEMBER, "Audit", trusted_accounts=[MANAGEMENT])

    with pytest.raises(ClientError) as raised:
        assume(sts_client(emulator, account="111111111111"), role)

    assert error_of(raised) == denied("arn:aws:iam::111111111111:root", role)


def test_external_id_is_required_when_the_role_has_one(emulator: EmulatorClient, sts: Any) -> None:
    role = emulator.create_role(MEMBER, "Inventory", external_id="tools-ci")
    caller = f"arn:aws:iam::{MANAGEMENT}:root"

    with pytest.raises(ClientError) as missing:
        assume(sts, role)
    with pytest.raises(ClientError) as wrong:
        assume(sts, role, ExternalId="tools-cd")
    right = assume(sts, role, ExternalId="tools-ci")

    assert error_of(missing) == denied(caller, role)
    assert error_of(wrong) == denied(caller, role)
    assert right["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{MEMBER}:assumed-role/")


def test_an_external_id_the_role_does_not_ask_for_is_ignored(
    emulator: EmulatorClient, sts: Any
) -> None:
    role = emulator.create_role(MEMBER, "Inventory")

    assert assume(sts, role, ExternalId="anything")["Credentials"]["AccessKeyId"]


def test_default_trust_is_the_organization_and_the_default_account(
    emulator: EmulatorClient,
) -> None:
    emulator.create_account("member", account_id=MEMBER)
    emulator.create_account("peer", account_id="333333333333")
    role = emulator.create_role(MEMBER, "Reader")

    assert assume(sts_client(emulator), role)
    assert assume(sts_client(emulator, account="333333333333"), role)
    with pytest.raises(ClientError) as raised:
        assume(sts_client(emulator, account=OUTSIDER), role)
    assert error_of(raised) == denied(f"arn:aws:iam::{OUTSIDER}:root", role)


def test_trusted_accounts_replace_the_default_trust(emulator: EmulatorClient) -> None:
    role = emulator.create_role(MEMBER, "Partner", trusted_accounts=[OUTSIDER])

    assert assume(sts_client(emulator, account=OUTSIDER), role)
    with pytest.raises(ClientError) as raised:
        assume(sts_client(emulator), role)
    assert error_of(raised)[0] == "AccessDenied"


def test_accounts_created_in_the_organization_get_the_organization_role(
    emulator: EmulatorClient, sts: Any
) -> None:
    created = emulator.create_accounts([{"Name": f"a{n}"} for n in range(3)])
    invited = emulator.create_account("invited", joined_method="INVITED")

    for account in created:
        role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        assert assume(sts, role)["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{account}:")
    # AWS creates the role only in accounts it creates; an invited account has none.
    with pytest.raises(ClientError):
        assume(sts, f"arn:aws:iam::{invited}:role/OrganizationAccountAccessRole")


def test_an_expired_session_is_refused_then_a_fresh_one_works(
    emulator: EmulatorClient, sts: Any
) -> None:
    emulator.create_account("member", account_id=MEMBER)
    emulator.create_connection("c", account=MEMBER)
    emulator.set_session_seconds(1)
    stale = assume(sts)["Credentials"]
    client = emulator.boto3_client(credentials=stale, config=NO_RETRIES)
    assert len(client.list_connections()["Connections"]) == 1

    time.sleep(max(0.0, stale["Expiration"].timestamp() - time.time()) + 0.05)
    with pytest.raises(ClientError) as raised:
        client.list_connections()
    with pytest.raises(ClientError) as from_sts:
        sts_client(emulator, credentials=stale).get_caller_identity()

    assert error_of(raised) == (
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error_of(from_sts) == (
        "ExpiredToken",
        "The security token included in the request is expired",
    )
    emulator.set_session_seconds(None)
    fresh = assume(sts)["Credentials"]
    renewed = emulator.boto3_client(credentials=fresh, config=NO_RETRIES)
    assert len(renewed.list_connections()["Connections"]) == 1
    logged = emulator.calls("ListConnections")
    assert [c["ErrorCode"] for c in logged] == [None, "ExpiredTokenException", None]
    assert logged[1]["Account"] == MEMBER


def test_expiration_tells_the_lifetime_actually_granted(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)
    emulator.set_session_seconds(2)

    before = time.time()
    expires = assume(sts, DurationSeconds=43200)["Credentials"]["Expiration"]

    assert expires.tzinfo == datetime.UTC or expires.utcoffset() == datetime.timedelta(0)
    assert before + 2 <= expires.timestamp() <= time.time() + 3


def test_the_raw_expired_token_error_is_awss(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)
    emulator.set_session_seconds(1)
    stale = assume(sts)["Credentials"]
    client = emulator.boto3_client(credentials=stale, config=NO_RETRIES)
    bodies: list[bytes] = []
    client.meta.events.register(
        "before-parse", lambda response_dict, **_: bodies.append(response_dict["body"])
    )
    time.sleep(max(0.0, stale["Expiration"].timestamp() - time.time()) + 0.05)

    with pytest.raises(ClientError):
        client.list_connections()

    assert bodies == [
        b'{"__type": "ExpiredTokenException", '
        b'"message": "The security token included in the request is expired"}'
    ]


def test_a_session_key_with_the_wrong_token_is_invalid(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)
    credentials = dict(assume(sts)["Credentials"], SessionToken="forged")
    client = emulator.boto3_client(credentials=credentials, config=NO_RETRIES)

    with pytest.raises(ClientError) as raised:
        client.list_connections()

    assert error_of(raised) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_role_chaining_is_capped_at_an_hour(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)
    hop = sts_client(emulator, credentials=assume(sts)["Credentials"])
    target = emulator.create_role(MEMBER, "Next")

    with pytest.raises(ClientError) as raised:
        assume(hop, target, DurationSeconds=7200)
    chained = assume(hop, target, RoleSessionName="hop2")

    assert error_of(raised) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.",
    )
    assert chained["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{MEMBER}:assumed-role/Next/hop2"


def test_sts_calls_are_logged(emulator: EmulatorClient, sts: Any) -> None:
    emulator.create_account("member", account_id=MEMBER)
    assume(sts)

    [call] = emulator.calls()

    assert (call["Service"], call["Operation"], call["Account"], call["Region"]) == (
        "sts",
        "AssumeRole",
        MANAGEMENT,
        "us-east-1",
    )
    assert (call["AccessKeyId"], call["HttpStatus"], call["ErrorCode"]) == ("testing", 200, None)
    assert call["Arn"] == ORG_ROLE


def test_a_session_in_a_delegated_administrator_reads_the_organization(
    emulator: EmulatorClient, sts: Any
) -> None:
    emulator.create_account("security", account_id=MEMBER)
    credentials = assume(sts)["Credentials"]
    member, _ = checked_client(emulator, "organizations", credentials=credentials)
    with pytest.raises(member.exceptions.AccessDeniedException):
        member.list_accounts()

    emulator.register_delegated_administrator(MEMBER)

    assert len(member.list_accounts()["Accounts"]) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"Account": "1", "RoleName": "r"}, "Account must be 12 digits"),
        (
            {"Account": MEMBER, "RoleName": "a b"},
            "RoleName must be 1 to 64 letters, digits or any of _+=,.@-",
        ),
        (
            {"Account": MEMBER, "RoleName": "r", "ExternalId": "x"},
            "ExternalId must be 2 to 1224 letters, digits or any of _+=,.@:/-",
        ),
        (
            {"Account": MEMBER, "RoleName": "r", "TrustedAccounts": ["x"]},
            "TrustedAccounts must hold 12-digit account ids",
        ),
    ],
)
def test_role_creation_refuses_what_makes_no_sense(
    emulator: EmulatorClient, body: dict[str, object], message: str
) -> None:
    assert control(emulator, "POST", "roles", json.dumps(body).encode()) == (
        400,
        {"__type": "ValidationException", "Message": message},
    )


@pytest.mark.parametrize("seconds", [0, 43201])
def test_session_lifetime_must_be_1_to_43200_seconds(
    emulator: EmulatorClient, seconds: int
) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        emulator.set_session_seconds(seconds)

    assert raised.value.message == "Seconds must be between 1 and 43200"


def test_reset_forgets_roles_sessions_and_the_lifetime(emulator: EmulatorClient, sts: Any) -> None:
    role = emulator.create_role(MEMBER, "Audit")
    emulator.set_session_seconds(5)
    credentials = assume(sts, role)["Credentials"]

    emulator.reset()

    with pytest.raises(ClientError):
        assume(sts, role)
    assert control(emulator, "GET", "session-lifetime") == (200, {"Seconds": None})
    # A forgotten session key is just an unknown key: the default account, as moto has it.
    forgotten = sts_client(emulator, credentials=credentials).get_caller_identity()
    assert forgotten["Account"] == MANAGEMENT
