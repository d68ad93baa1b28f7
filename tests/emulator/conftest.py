"""boto3 clients for the emulator suites; every response they get is checked against the model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config

from emulator.client import NO_RETRIES, EmulatorClient
from tests.support.aws_shapes import RawResponses

SERVICES = ("codestar-connections", "codeconnections")


def checked_client(
    emulator: EmulatorClient, service: str, region: str = "us-east-1", **config: Any
) -> tuple[Any, RawResponses]:
    client = emulator.boto3_client(service, region, config=NO_RETRIES.merge(Config(**config)))  # type: ignore[call-overload]
    return client, RawResponses(client)


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs once per API."""
    return str(request.param)


@pytest.fixture
def client(emulator: EmulatorClient, service: str) -> Iterator[Any]:
    """A boto3 client for ``service`` whose successful responses must match the output shapes."""
    made, raw = checked_client(emulator, service)
    yield made
    raw.assert_all_match()


@pytest.fixture
def codestar(emulator: EmulatorClient) -> Iterator[Any]:
    made, raw = checked_client(emulator, "codestar-connections")
    yield made
    raw.assert_all_match()


@pytest.fixture
def codeconnections(emulator: EmulatorClient) -> Iterator[Any]:
    made, raw = checked_client(emulator, "codeconnections")
    yield made
    raw.assert_all_match()


@pytest.fixture
def unvalidated(emulator: EmulatorClient, service: str) -> Any:
    """A client that sends whatever it is given, so the emulator's own validation shows."""
    made, _ = checked_client(emulator, service, parameter_validation=False)
    return made
