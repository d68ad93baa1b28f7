"""EmulatorServer in-process: lifecycle, URL, arguments."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import EndpointConnectionError

from emulator import EmulatorServer
from emulator.client import NO_RETRIES, EmulatorClient


def test_server_url_names_the_bound_loopback_port() -> None:
    with EmulatorServer() as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert server.url.endswith(f":{server.port}")
        assert server.is_loopback
        assert EmulatorClient(server.url).health()


def test_server_stop_ends_keep_alive_connections() -> None:
    server = EmulatorServer().start()
    client = EmulatorClient(server.url).boto3_client(config=NO_RETRIES)
    client.list_connections()

    server.stop()

    with pytest.raises(EndpointConnectionError):
        client.list_connections()


def test_server_stop_twice_is_harmless() -> None:
    server = EmulatorServer().start()

    server.stop()
    server.stop()


def test_server_url_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        _ = EmulatorServer().url


def test_server_start_twice_is_an_error() -> None:
    with EmulatorServer() as server, pytest.raises(RuntimeError, match="already running"):
        server.start()


def test_server_account_must_be_12_digits() -> None:
    with pytest.raises(ValueError, match="account must be 12 digits"):
        EmulatorServer(account="1234")


def test_server_connection_limit_applies_per_region() -> None:
    with EmulatorServer(connection_limit=2) as server:
        control = EmulatorClient(server.url)
        client = control.boto3_client(config=NO_RETRIES)
        for name in ("a", "b"):
            client.create_connection(ConnectionName=name, ProviderType="GitHub")

        with pytest.raises(client.exceptions.LimitExceededException):
            client.create_connection(ConnectionName="c", ProviderType="GitHub")
        control.boto3_client(region="us-west-2").create_connection(
            ConnectionName="c", ProviderType="GitHub"
        )
