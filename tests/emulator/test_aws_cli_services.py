"""The AWS CLI (v1, its own venv: the ``aws_cli`` fixture) against STS and Organizations.

The fixture skips these tests, saying why, where the CLI cannot be had (and fails them on CI).
"""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path
from typing import Any

from emulator.client import EmulatorClient
from tests.emulator.conftest import MANAGEMENT

MEMBER = "222222222222"


def aws(aws_cli: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [str(aws_cli), *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    decoded: dict[str, Any] = json.loads(result.stdout)
    return decoded


def test_aws_sts_assume_role(
    aws_env: dict[str, str], emulator: EmulatorClient, aws_cli: Path
) -> None:
    emulator.create_account("member", account_id=MEMBER)
    role = emulator.create_role(MEMBER, "Inventory", external_id="tools-ci")

    answer = aws(
        aws_cli,
        aws_env,
        "sts",
        "assume-role",
        "--role-arn",
        role,
        "--role-session-name",
        "cli&co",
        "--external-id",
        "tools-ci",
        "--duration-seconds",
        "900",
    )

    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    expires = datetime.datetime.fromisoformat(credentials["Expiration"])
    now = datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(seconds=890) < expires - now <= datetime.timedelta(seconds=901)
    assert (
        answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{MEMBER}:assumed-role/Inventory/cli&co"
    )
    [call] = emulator.calls()
    assert (call["Service"], call["Operation"], call["HttpStatus"]) == ("sts", "AssumeRole", 200)
    assert "aws-cli/" in call["UserAgent"]


def test_aws_organizations_list_accounts_follows_every_page(
    aws_env: dict[str, str], emulator: EmulatorClient, aws_cli: Path
) -> None:
    created = emulator.create_accounts([{"Name": f"acct-{n}"} for n in range(44)])

    answer = aws(aws_cli, aws_env, "organizations", "list-accounts")

    assert [account["Id"] for account in answer["Accounts"]] == [MANAGEMENT, *created]
    assert [call["Operation"] for call in emulator.calls()] == ["ListAccounts"] * 3
