"""Least privilege: the README's IAM policy is exactly what the provider and the CLI use.

The policy is parsed from the JSON block under "## IAM permissions" in README.md and compared
with the operations in the emulator's call log after this suite's own runs: an ARN lookup, a
name lookup and a host connection, through both APIs, on the real provider host and through
the CLI. Every action used must be listed (else the policy breaks the tool) and every action
listed must be used (else the policy grants more than needed). Every other test that uses the
emulator checks its own calls against the same policy (tests/conftest.py).
"""

from __future__ import annotations

import io
from collections import Counter

import pytest

from emulator.client import EmulatorClient
from pulumi_codestar_connections import aws
from pulumi_codestar_connections.cli.main import main as cli_main
from tests.support.call_log import provider_calls
from tests.support.hosts import HostFactory
from tests.support.iam import readme_iam_policies


def actions_of(calls: list[dict[str, object]]) -> set[str]:
    return {f"{call['Service']}:{call['Operation']}" for call in calls}


def _host_connection(emulator: EmulatorClient, service: str) -> tuple[str, str]:
    host_arn = emulator.create_host(service=service)
    arn = emulator.create_connection(f"ghes-{service}", host_arn=host_arn, service=service)
    return host_arn, arn


@pytest.mark.parametrize("service", ["codestar-connections", "codeconnections"])
def test_each_kind_of_lookup_uses_only_the_actions_it_needs(
    host_factory: HostFactory, emulator: EmulatorClient, service: str
) -> None:
    cloud = emulator.create_connection(f"cloud-{service}", service=service)
    _, hosted = _host_connection(emulator, service)
    host = host_factory()
    lookups = {
        "by ARN": {"connectionArn": cloud},
        "by name": {"connectionName": f"cloud-{service}", "service": service},
        "host connection by ARN": {"connectionArn": hosted},
    }
    used: dict[str, set[str]] = {}
    for label, inputs in lookups.items():
        emulator.clear_calls()
        _, failures = host.check(inputs)
        assert failures == []
        used[label] = actions_of(provider_calls(emulator))

    prefix = f"{service}:"
    assert used == {
        "by ARN": {prefix + "GetConnection", prefix + "ListTagsForResource"},
        "by name": {prefix + "ListConnections", prefix + "ListTagsForResource"},
        "host connection by ARN": {
            prefix + "GetConnection",
            prefix + "ListTagsForResource",
            prefix + "GetHost",
        },
    }


def test_readme_iam_policy_lists_exactly_the_actions_the_provider_and_cli_use(
    host_factory: HostFactory,
    emulator: EmulatorClient,
    aws_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = host_factory()
    for service in ("codestar-connections", "codeconnections"):
        cloud = emulator.create_connection(f"cloud-{service}", service=service)
        _, hosted = _host_connection(emulator, service)
        for inputs in (
            {"connectionArn": cloud},
            {"connectionName": f"cloud-{service}", "service": service},
            {"connectionArn": hosted},
        ):
            assert host.check(inputs)[1] == []
        aws.clear_client_cache()
        for argv in (["get", cloud], ["get", "--name", f"cloud-{service}"], ["list"]):
            code = cli_main(
                [*argv, "--service", service],
                stdin=io.StringIO(),
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            assert code == 0, argv
    aws.clear_client_cache()

    used = Counter(f"{c['Service']}:{c['Operation']}" for c in provider_calls(emulator))
    listed = readme_iam_policies()[0]
    with capsys.disabled():
        print(f"\nIAM actions used by this suite's lookups: {dict(sorted(used.items()))}")
    assert set(used) - listed == set(), "used but missing from the README's IAM policy"
    assert listed - set(used) == set(), "granted by the README's IAM policy but never used"


def test_readme_inventory_policies_list_exactly_what_each_side_uses(
    emulator: EmulatorClient, aws_env: dict[str, str]
) -> None:
    """Where the inventory runs (the management account) and in the members (the role)."""
    management = emulator.organization()["ManagementAccountId"]
    team = emulator.create_organizational_unit("team")
    member = emulator.create_account("member", parent_id=team)
    emulator.create_role(member, "codestar-inventory")
    aws.clear_client_cache()  # clients an earlier in-process test made with other keys
    for service in ("codestar-connections", "codeconnections"):
        emulator.create_connection(f"in-{service}", account=member, service=service)
        for scope in ([], ["--ou", team]):
            stderr = io.StringIO()
            code = cli_main(
                [
                    "inventory",
                    "--organization",
                    *scope,
                    "--role-name",
                    "codestar-inventory",
                    "--service",
                    service,
                    "--no-progress",
                ],
                stdin=io.StringIO(),
                stdout=io.StringIO(),
                stderr=stderr,
            )
            assert code == 0, (service, scope, stderr.getvalue())
    aws.clear_client_cache()

    calls = provider_calls(emulator)
    runner = actions_of([c for c in calls if c["Account"] == management])
    members = actions_of([c for c in calls if c["Account"] == member])
    _, runs, role = readme_iam_policies()
    # The caller reads its own account with its own credentials: the role's actions, there too.
    assert runner - role == runs
    assert members == role
