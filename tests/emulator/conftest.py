"""boto3 clients for the emulator suites; every JSON response they get is checked against the model.

STS answers in XML (the Query protocol), which botocore's parser checks as it reads; its
clients here are plain.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config

from emulator.client import NO_RETRIES, EmulatorClient
from tests.support.aws_shapes import RawResponses

SERVICES = ("codestar-connections", "codeconnections")


MANAGEMENT = "123456789012"
"""The session emulator's default account: the organization's management account."""


def checked_client(
    emulator: EmulatorClient,
    service: str,
    region: str = "us-east-1",
    *,
    account: str | None = None,
    credentials: dict[str, Any] | None = None,
    **config: Any,
) -> tuple[Any, RawResponses]:
    client = emulator.boto3_client(  # type: ignore[call-overload]
        service,
        region,
        config=NO_RETRIES.merge(Config(**config)),
        account=account,
        credentials=credentials,
    )
    return client, RawResponses(client)


def sts_client(
    emulator: EmulatorClient,
    region: str = "us-east-1",
    *,
    account: str | None = None,
    credentials: dict[str, Any] | None = None,
    **config: Any,
) -> Any:
    """An STS client with one attempt per call."""
    return emulator.boto3_client(
        "sts",
        region,
        config=NO_RETRIES.merge(Config(**config)),
        account=account,
        credentials=credentials,
    )


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


@pytest.fixture
def org(emulator: EmulatorClient) -> Iterator[Any]:
    """Organizations, as the management account; responses must match the output shapes."""
    made, raw = checked_client(emulator, "organizations")
    yield made
    raw.assert_all_match()


@pytest.fixture
def sts(emulator: EmulatorClient) -> Any:
    """STS, as the default (management) account."""
    return sts_client(emulator)
