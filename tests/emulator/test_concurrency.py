"""Many clients at once: no lost writes, no failed reads, no stuck server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from emulator.client import EmulatorClient


def test_get_connection_from_8_threads_50_times_each(emulator: EmulatorClient) -> None:
    arn = emulator.create_connection("shared")
    clients = [emulator.boto3_client() for _ in range(8)]

    def read_50(index: int) -> list[str]:
        return [
            clients[index].get_connection(ConnectionArn=arn)["Connection"]["ConnectionArn"]
            for _ in range(50)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read_50, range(8)))

    assert results == [[arn] * 50] * 8
    calls = emulator.calls("GetConnection")
    assert len(calls) == 400
    assert {call["HttpStatus"] for call in calls} == {200}


def test_create_connection_from_8_threads_loses_nothing(emulator: EmulatorClient) -> None:
    clients = [emulator.boto3_client("codeconnections") for _ in range(8)]

    def create_20(index: int) -> list[str]:
        return [
            clients[index].create_connection(
                ConnectionName=f"t{index}-{number}", ProviderType="GitLab"
            )["ConnectionArn"]
            for number in range(20)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = {arn for arns in pool.map(create_20, range(8)) for arn in arns}

    first = clients[0].list_connections(MaxResults=100)
    second = clients[0].list_connections(MaxResults=100, NextToken=first["NextToken"])
    listed = {c["ConnectionArn"] for c in [*first["Connections"], *second["Connections"]]}
    assert "NextToken" not in second
    assert len(created) == 160
    assert listed == created
