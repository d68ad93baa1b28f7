"""provider.aws in-process: the client cache under the provider host's threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from emulator.client import EmulatorClient
from provider import aws
from provider.aws import clear_client_cache, client_for, find_connection_by_arn


def test_concurrent_lookups_share_one_client_per_service_and_region(
    aws_env: dict[str, str], emulator: EmulatorClient
) -> None:
    clear_client_cache()
    arns = [
        emulator.create_connection(f"c{i}", region=("us-east-1", "eu-west-1")[i % 2])
        for i in range(16)
    ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        records = list(pool.map(find_connection_by_arn, arns))

    assert [r.connection_name for r in records] == [f"c{i}" for i in range(16)]
    assert set(aws._clients) == {
        ("codestar-connections", "us-east-1", None),
        ("codestar-connections", "eu-west-1", None),
    }
    assert (
        client_for("codestar-connections", "us-east-1")
        is aws._clients[("codestar-connections", "us-east-1", None)]
    )
    clear_client_cache()
