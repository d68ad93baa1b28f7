"""``state_file``: records survive a restart; faults and calls do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator import EmulatorServer
from emulator.client import EmulatorClient
from emulator.core.persistence import StateFileError


def test_state_file_keeps_connections_and_hosts_across_restarts(tmp_path: Path) -> None:
    state = tmp_path / "nested" / "state.json"
    with EmulatorServer(state_file=state) as first:
        control = EmulatorClient(first.url)
        arn = control.create_connection("kept", region="eu-west-1", tags={"a": "b"})
        host = control.boto3_client().create_host(
            Name="h",
            ProviderType="GitHubEnterpriseServer",
            ProviderEndpoint="https://ghes.example",
            VpcConfiguration={
                "VpcId": "vpc-0123456789abcdef0",
                "SubnetIds": ["subnet-0123456789abcdef0"],
                "SecurityGroupIds": ["sg-0123456789abcdef0"],
            },
        )["HostArn"]
        control.add_fault(error_code="ThrottlingException", count=-1)

    with EmulatorServer(state_file=state) as second:
        control = EmulatorClient(second.url)
        eu = control.boto3_client(region="eu-west-1")
        us = control.boto3_client()

        assert eu.get_connection(ConnectionArn=arn)["Connection"]["ConnectionName"] == "kept"
        assert eu.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "b"}]
        assert us.get_host(HostArn=host)["VpcConfiguration"]["VpcId"] == "vpc-0123456789abcdef0"
        assert control.calls("GetHost")[0]["ErrorCode"] is None


def test_state_file_is_written_on_every_change(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_file=state) as server:
        control = EmulatorClient(server.url)
        arn = control.create_connection("c", status="PENDING")
        control.set_status(arn, "ERROR")

        document = json.loads(state.read_text())

        assert [(c["ConnectionArn"], c["ConnectionStatus"]) for c in document["Connections"]] == [
            (arn, "ERROR")
        ]
        control.reset()
        assert json.loads(state.read_text())["Connections"] == []


def test_state_file_that_is_not_a_state_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"Version": 99}')

    with pytest.raises(StateFileError, match="Version must be 1"):
        EmulatorServer(state_file=state)
