"""``inventory``: every connection of many accounts and regions, as the CLI's user sees it.

The emulator plays the organization: its default account (what the ``cli`` fixture's
credentials stand for) is the management account; member accounts are reached through STS
AssumeRole, whose credentials act in the member's account.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
from pathlib import Path
from typing import Any

import pytest

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, assert_usage_error, read_terminal

MANAGEMENT = "123456789012"
ROLE = "OrganizationAccountAccessRole"
REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "eu-north-1", "us-east-2")


def _pairs(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["AccountId"], c["Region"]) for c in report["Connections"]}


def _organization(emulator: EmulatorClient) -> dict[str, str]:
    """Three ACTIVE members (one in an OU, one in an OU below it), one SUSPENDED."""
    root = emulator.organization()["RootId"]
    team = emulator.create_organizational_unit("team", root)
    nested = emulator.create_organizational_unit("nested", team)
    return {
        "root": root,
        "team": team,
        "a": emulator.create_account("a"),
        "b": emulator.create_account("b", parent_id=team),
        "c": emulator.create_account("c", parent_id=nested),
        "gone": emulator.create_account("gone", status="SUSPENDED"),
    }


def test_without_flags_it_reads_the_callers_account_in_its_region(
    cli: Cli, emulator: EmulatorClient
) -> None:
    arn = emulator.create_connection("gh", tags={"team": "platform"})
    emulator.create_connection("elsewhere", region="eu-west-1")

    result = cli("inventory", "--no-progress")

    assert result.exit_code == 0, result
    report = result.json()
    [connection] = report["Connections"]
    assert connection["ConnectionArn"] == arn
    assert connection["Tags"] == {"team": "platform"}
    assert (connection["AccountId"], connection["Region"]) == (MANAGEMENT, "us-east-1")
    assert connection["Service"] == "codestar-connections"
    summary = report["Summary"]
    assert (summary["Accounts"], summary["Regions"], summary["Pairs"], summary["Read"]) == (
        1,
        1,
        1,
        1,
    )
    # The caller's own account is read with its own credentials: no role to assume.
    assert emulator.calls("AssumeRole") == []


def test_the_organization_every_active_account_every_region(
    cli: Cli, emulator: EmulatorClient
) -> None:
    org = _organization(emulator)
    expected = set()
    for key in ("a", "b", "c"):
        for region in ("eu-west-1", "us-east-1"):
            arn = emulator.create_connection(f"{key}-{region}", account=org[key], region=region)
            expected.add(arn)
    emulator.create_connection("mine", region="eu-west-1")  # the management account's own
    emulator.create_connection("not-read", account=org["a"], region="us-west-2")

    result = cli(
        "inventory",
        "--organization",
        "--role-name",
        ROLE,
        "--regions",
        "us-east-1,eu-west-1",
        "--no-progress",
    )

    assert result.exit_code == 0, result
    report = result.json()
    arns = {c["ConnectionArn"] for c in report["Connections"]}
    assert arns - expected == {
        c["ConnectionArn"] for c in report["Connections"] if c["ConnectionName"] == "mine"
    }
    assert expected <= arns
    assert report["Failures"] == []
    assert report["Skipped"] == [
        {
            "AccountId": org["gone"],
            "Region": None,
            "Reason": "account 'gone' is SUSPENDED in the organization",
        }
    ]
    summary = report["Summary"]
    assert (summary["Accounts"], summary["Pairs"], summary["Read"]) == (4, 8, 8)
    # One AssumeRole per member account; the management account reads with its own keys.
    assumed = emulator.calls("AssumeRole")
    assert sorted(call["Arn"] for call in assumed) == sorted(
        f"arn:aws:iam::{org[k]}:role/{ROLE}" for k in ("a", "b", "c")
    )
    # Every ListConnections ran in the account whose connections it listed.
    listed = {(c["Account"], c["Region"]) for c in emulator.calls("ListConnections")}
    assert listed == {
        (a, r)
        for a in (MANAGEMENT, org["a"], org["b"], org["c"])
        for r in ("us-east-1", "eu-west-1")
    }


def test_an_ou_reads_its_subtree_only(cli: Cli, emulator: EmulatorClient) -> None:
    org = _organization(emulator)
    for key in ("a", "b", "c"):
        emulator.create_connection(key, account=org[key])

    result = cli(
        "inventory", "--organization", "--ou", org["team"], "--role-name", ROLE, "--no-progress"
    )

    assert result.exit_code == 0, result
    assert sorted(c["ConnectionName"] for c in result.json()["Connections"]) == ["b", "c"]


def test_a_member_account_cannot_list_the_organization(cli: Cli, emulator: EmulatorClient) -> None:
    org = _organization(emulator)

    result = cli(
        "inventory",
        "--organization",
        "--role-name",
        ROLE,
        "--no-progress",
        env={"AWS_ACCESS_KEY_ID": org["a"]},
    )

    assert result.exit_code == 1, result
    assert "organizations:ListAccounts" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_account_whose_role_cannot_be_assumed_fails_every_region_and_only_those(
    cli: Cli, emulator: EmulatorClient
) -> None:
    org = _organization(emulator)
    for key in ("a", "b"):
        emulator.create_role(org[key], "Audit")
        emulator.create_connection(key, account=org[key])

    result = cli(
        "inventory",
        "--organization",
        "--role-name",
        "Audit",
        "--regions",
        "us-east-1,eu-west-1",
        "--no-progress",
    )

    assert result.exit_code == 1, result
    report = result.json()
    assert sorted(c["ConnectionName"] for c in report["Connections"]) == ["a", "b"]
    failures = report["Failures"]
    assert {(f["AccountId"], f["Region"]) for f in failures} == {
        (org["c"], "us-east-1"),
        (org["c"], "eu-west-1"),
    }
    assert {f["Error"] for f in failures} == {"AccessDenied"}
    assert "role/Audit" in failures[0]["Message"]
    summary = report["Summary"]
    assert (summary["Pairs"], summary["Read"], summary["Failed"]) == (8, 6, 2)
    assert "2 of 8 (account, region) pair(s) could not be read" in result.stderr


def test_opt_in_regions_not_enabled_are_skipped_not_failed(
    cli: Cli, emulator: EmulatorClient
) -> None:
    org = _organization(emulator)
    emulator.set_region_enabled("af-south-1", account=org["a"])
    cape = emulator.create_connection("cape", account=org["a"], region="af-south-1")

    result = cli(
        "inventory",
        "--organization",
        "--role-name",
        ROLE,
        "--regions",
        "us-east-1,af-south-1",
        "--no-progress",
    )

    assert result.exit_code == 0, result
    report = result.json()
    assert [c["ConnectionArn"] for c in report["Connections"]] == [cape]
    skipped = {(s["AccountId"], s["Region"]) for s in report["Skipped"] if s["Region"]}
    assert skipped == {
        (MANAGEMENT, "af-south-1"),
        (org["b"], "af-south-1"),
        (org["c"], "af-south-1"),
    }
    assert all("opt-in region" in s["Reason"] for s in report["Skipped"] if s["Region"])
    assert report["Summary"]["Read"] == 5


def test_status_gate_exits_4_and_names_each_connection(cli: Cli, emulator: EmulatorClient) -> None:
    emulator.create_connection("ok")
    pending = emulator.create_connection("todo", status="PENDING")

    result = cli("inventory", "--status", "AVAILABLE", "--no-progress")

    assert result.exit_code == 4, result
    assert "1 connection(s) not AVAILABLE" in result.stderr
    assert pending in result.stderr
    assert result.json()["Summary"]["NotAsRequired"] == 1


def test_throttling_is_retried_and_counted_and_no_pair_is_lost(
    cli: Cli, emulator: EmulatorClient
) -> None:
    org = _organization(emulator)
    seeded = emulator.create_connections(
        [
            {
                "ConnectionName": f"c{n}",
                "ProviderType": "GitHub",
                "Account": org[k],
                "Region": region,
            }
            for k in ("a", "b", "c")
            for region in ("us-east-1", "eu-west-1", "us-west-2")
            for n in range(3)
        ]
    )
    emulator.add_fault(
        "*", error_code="ThrottlingException", http_status=400, count=-1, probability=0.3, seed=7
    )

    result = cli(
        "inventory",
        "--organization",
        "--role-name",
        ROLE,
        "--regions",
        "us-east-1,eu-west-1,us-west-2",
        "--no-progress",
        timeout=120,
    )

    report = result.json()
    summary = report["Summary"]
    assert summary["Read"] + summary["Failed"] + summary["Skipped"] == summary["Pairs"] == 12
    assert result.exit_code == (1 if report["Failures"] else 0), result
    found = {c["ConnectionArn"] for c in report["Connections"]}
    assert found == set(seeded), "every seeded connection is in the report"
    throttled = [c for c in emulator.calls() if c["ErrorCode"] == "ThrottlingException"]
    assert throttled, "the fault struck"
    # Attempts include the retries: more than one per successful call.
    assert summary["Attempts"] > len(emulator.calls()) - len(throttled) - 10


def test_roles_that_expire_during_the_run_are_refreshed(cli: Cli, emulator: EmulatorClient) -> None:
    org = _organization(emulator)
    emulator.create_connections(
        [
            {
                "ConnectionName": f"c{n}",
                "Account": org["a"],
                "Region": region,
                "ProviderType": "GitHub",
            }
            for region in REGIONS
            for n in range(4)
        ]
    )
    # Sessions of 3 s, pairs of ~0.75 s one after the other: the run outlives several.
    emulator.set_session_seconds(3)
    emulator.add_fault("*", latency_ms=150, count=-1)

    result = cli(
        "inventory",
        "--accounts",
        org["a"],
        "--role-name",
        ROLE,
        "--concurrency",
        "1",
        "--regions",
        ",".join(REGIONS),
        "--no-progress",
    )

    assert result.exit_code == 0, result
    assert len(result.json()["Connections"]) == 4 * len(REGIONS)
    assert [c for c in emulator.calls() if c["ErrorCode"] == "ExpiredTokenException"] == []
    assert len(emulator.calls("AssumeRole")) > 1


def test_other_accounts_need_a_role(cli: Cli, emulator: EmulatorClient) -> None:
    result = cli("inventory", "--accounts", f"{MANAGEMENT},210987654321", "--no-progress")

    assert_usage_error(result, mentions="210987654321 is not the caller's account")


def test_shards_split_the_accounts_and_merge_back_to_the_whole(
    cli: Cli, emulator: EmulatorClient, tmp_path: Path
) -> None:
    ids = emulator.create_accounts([{"Name": f"m{n}"} for n in range(12)])
    emulator.create_connections(
        [{"ConnectionName": "c", "Account": account, "ProviderType": "GitHub"} for account in ids]
    )
    flags = ("--organization", "--role-name", ROLE, "--no-progress")
    whole = cli("inventory", *flags)
    files = []
    for index in (1, 2, 3):
        shard = cli("inventory", *flags, "--shard", f"{index}/3")
        assert shard.exit_code == 0, shard
        path = tmp_path / f"shard-{index}.json"
        path.write_text(shard.stdout)
        files.append(str(path))

    merged = cli("inventory", "merge", *files)
    partial = cli("inventory", "merge", *files[:2])

    assert merged.exit_code == 0, merged
    assert merged.json()["Connections"] == whole.json()["Connections"]
    assert merged.json()["Summary"]["Pairs"] == whole.json()["Summary"]["Pairs"] == 13
    assert partial.exit_code == 1
    assert "missing shard(s) 3/3" in partial.stderr
    sizes = [len(json.loads(Path(f).read_text())["Summary"]["AccountIds"]) for f in files]
    assert sum(sizes) == 13 and all(sizes), sizes


def test_csv_and_table_outputs(cli: Cli, emulator: EmulatorClient) -> None:
    emulator.create_connection("gh", tags={"team": "=1+2"})

    as_csv = cli("inventory", "--no-progress", "--output", "csv")
    as_table = cli("inventory", "--no-progress", "--output", "table")

    assert as_csv.exit_code == as_table.exit_code == 0
    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert row["ConnectionName"] == "gh"
    assert json.loads(row["Tags"]) == {"team": "=1+2"}
    assert row["AccountId"] == MANAGEMENT
    assert "1 connection(s) in 1 account(s)" in as_table.stdout
    assert "| gh " in as_table.stdout


def test_progress_is_timestamped_lines_in_logs_and_a_bar_on_a_terminal(
    cli: Cli, emulator: EmulatorClient
) -> None:
    emulator.create_connection("gh")

    logged = cli("inventory")
    assert logged.exit_code == 0, logged
    assert (
        "codestar-connection inventory: 1/1 pairs (100%), 1 connections, 0 failed" in logged.stderr
    )
    assert logged.stderr.split(" ", 1)[0].endswith("Z")

    leader, follower = pty.openpty()
    try:
        process = cli.popen("inventory", stderr=follower)
        os.close(follower)
        follower = -1
        process.communicate(timeout=60)
        shown = read_terminal(leader)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert process.returncode == 0
    assert "[########" in shown and "1/1 pairs" in shown


@pytest.mark.parametrize("service", ["codestar-connections", "codeconnections"])
def test_either_api(cli: Cli, emulator: EmulatorClient, service: str) -> None:
    arn = emulator.create_connection("gh", service=service)

    result = cli("inventory", "--service", service, "--no-progress")

    assert result.exit_code == 0, result
    [connection] = result.json()["Connections"]
    assert (connection["ConnectionArn"], connection["Service"]) == (arn, service)
    assert {c["Service"] for c in emulator.calls("ListConnections")} == {service}


def test_worker_processes_read_the_same_report_as_one(cli: Cli, emulator: EmulatorClient) -> None:
    ids = emulator.create_accounts([{"Name": f"m{n}"} for n in range(5)])
    emulator.create_connections(
        [
            {
                "ConnectionName": f"c{n}",
                "Account": account,
                "Region": region,
                "ProviderType": "GitHub",
            }
            for account in ids
            for region in ("us-east-1", "eu-west-1")
            for n in range(2)
        ]
    )
    emulator.create_role(ids[0], "Audit")  # only one account has the role: the others fail
    flags = ("--organization", "--regions", "us-east-1,eu-west-1", "--no-progress")

    one = cli("inventory", *flags, "--role-name", ROLE, "--processes", "1")
    two = cli("inventory", *flags, "--role-name", ROLE, "--processes", "3")
    partial = cli("inventory", *flags, "--role-name", "Audit", "--processes", "2")

    assert one.exit_code == two.exit_code == 0, (one, two)
    assert two.json()["Connections"] == one.json()["Connections"]
    assert len(two.json()["Connections"]) == 20
    assert two.json()["Summary"]["Attempts"] == one.json()["Summary"]["Attempts"]
    assert partial.exit_code == 1
    summary = partial.json()["Summary"]
    assert (summary["Pairs"], summary["Read"], summary["Failed"]) == (12, 4, 8)
    assert "8 of 12 (account, region) pair(s)" in partial.stderr


def test_a_role_that_wants_an_external_id(cli: Cli, emulator: EmulatorClient) -> None:
    member = emulator.create_account("member")
    emulator.create_role(member, "Audit", external_id="s3cret-id")
    emulator.create_connection("c", account=member)
    flags = ("--accounts", member, "--role-name", "Audit", "--no-progress")

    without = cli("inventory", *flags)
    wrong = cli("inventory", *flags, "--external-id", "other-id")
    right = cli("inventory", *flags, "--external-id", "s3cret-id")

    assert without.exit_code == wrong.exit_code == 1
    assert {f["Error"] for f in wrong.json()["Failures"]} == {"AccessDenied"}
    assert right.exit_code == 0, right
    assert [c["ConnectionName"] for c in right.json()["Connections"]] == ["c"]
    assert "s3cret-id" not in right.stdout + right.stderr + wrong.stdout + wrong.stderr


def test_all_regions_are_botocores_and_the_opt_in_one_is_skipped(
    cli: Cli, emulator: EmulatorClient
) -> None:
    from pulumi_codestar_connections.aws.inventory import service_regions

    regions = service_regions("aws")
    emulator.create_connection("far", region="ap-northeast-2")

    result = cli("inventory", "--all-regions", "--no-progress")

    assert result.exit_code == 0, result
    report = result.json()
    assert report["Summary"]["RegionNames"] == regions
    assert len(regions) >= 16
    assert [c["Region"] for c in report["Connections"]] == ["ap-northeast-2"]
    # eu-south-1 (Milan) is opt-in: not enabled, so skipped, not failed.
    assert [(s["Region"]) for s in report["Skipped"]] == ["eu-south-1"]
    assert report["Failures"] == []


def test_html_output_is_the_report_page(cli: Cli, emulator: EmulatorClient) -> None:
    emulator.create_connection("shown-in-html", status="PENDING")

    result = cli("inventory", "--no-progress", "--output", "html", "--status", "AVAILABLE")

    assert result.exit_code == 4
    assert result.stdout.startswith("<!DOCTYPE html>") or result.stdout.startswith(
        "<!doctype html>"
    )
    assert "shown-in-html" in result.stdout
