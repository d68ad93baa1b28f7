"""``inventory``: every bad flag is refused with one line, before any AWS call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, assert_usage_error


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--accounts", "12345"], "an account id is 12 digits"),
        (["--accounts", ","], "no account id given"),
        (["--accounts", "111111111111", "--organization", "--role-name", "r"], "not both"),
        (["--ou", "ou-abcd-12345678"], "add --organization"),
        (["--organization", "--role-name", "r", "--ou", "o-1"], "is not an OU id"),
        (["--organization"], "give --role-name"),
        (["--regions", "eu-west-1", "--all-regions"], "not both"),
        (["--regions", "Mars-1"], "--regions"),
        (["--role-name", "arn:aws:iam::1:role/x"], "not an IAM role name"),
        (["--external-id", "abc"], "--external-id goes with --role-name"),
        (["--role-name", "r", "--external-id", "a b"], "--external-id"),
        (["--shard", "3/2"], "--shard"),
        (["--concurrency", "0"], "--concurrency"),
        (["--max-attempts", "0"], "--max-attempts"),
        (["--status", "AVAILABEL"], "--status"),
        (["--provider-type", "Gitee"], "--provider-type"),
        (["extra"], "unexpected 'extra'"),
        (["merge"], "give the report files"),
        (["merge", "a.json", "--organization"], "drop --organization"),
        (["--output", "html", "--query", "Summary"], "--output html"),
    ],
)
def test_bad_flags_are_refused_before_any_call(
    cli: Cli, emulator: EmulatorClient, args: list[str], mentions: str
) -> None:
    result = cli("inventory", *args)

    assert_usage_error(result, mentions=mentions)
    assert emulator.calls() == []


def test_html_is_only_for_the_inventory(cli: Cli, emulator: EmulatorClient) -> None:
    assert_usage_error(cli("list", "--output", "html"), mentions="only inventory")
    assert emulator.calls() == []


def test_merge_names_the_file_that_is_not_a_report(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"Connections": []}))
    missing = tmp_path / "missing.json"

    assert_usage_error(cli("inventory", "merge", str(bad)), mentions="bad.json: not an inventory")
    assert_usage_error(cli("inventory", "merge", str(missing)), mentions="missing.json")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{")
    assert_usage_error(cli("inventory", "merge", str(garbage)), mentions="not JSON")
