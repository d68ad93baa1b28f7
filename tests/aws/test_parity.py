"""Parity with real AWS: runs only with CODESTAR_AWS_PARITY=1, credentials and a real ARN.

    CODESTAR_AWS_PARITY=1 CODESTAR_AWS_PARITY_ARN=arn:aws:codestar-connections:… \\
        .venv/bin/pytest -m aws tests/aws

Read-only like everything else: it reads one existing connection through our lookup and through
a plain botocore client and checks that they agree, and that the emulator answers with the same
document shape for a connection of the same kind.
"""

from __future__ import annotations

import os
from typing import Any

import botocore.session
import pytest

from emulator.client import EmulatorClient
from pulumi_codestar_connections.aws import clear_client_cache, find_connection_by_arn
from pulumi_codestar_connections.core.arns import parse_connection_arn
from pulumi_codestar_connections.core.records import ConnectionRecord

pytestmark = pytest.mark.aws

ARN = os.environ.get("CODESTAR_AWS_PARITY_ARN", "")


def _enabled() -> bool:
    if os.environ.get("CODESTAR_AWS_PARITY") != "1" or not ARN:
        return False
    return botocore.session.Session().get_credentials() is not None


needs_aws = pytest.mark.skipif(
    not _enabled(),
    reason="set CODESTAR_AWS_PARITY=1, CODESTAR_AWS_PARITY_ARN and AWS credentials to run",
)


@needs_aws
def test_lookup_matches_a_plain_get_connection() -> None:
    clear_client_cache()
    parsed = parse_connection_arn(ARN)
    client: Any = botocore.session.Session().create_client(
        parsed.service, region_name=parsed.region
    )
    raw = client.get_connection(ConnectionArn=ARN)["Connection"]

    assert find_connection_by_arn(ARN).to_api() == ConnectionRecord.from_api(raw).to_api()
    assert set(raw) <= {
        "ConnectionName",
        "ConnectionArn",
        "ProviderType",
        "OwnerAccountId",
        "ConnectionStatus",
        "HostArn",
    }


@needs_aws
def test_emulator_answers_with_the_same_members(emulator: EmulatorClient) -> None:
    clear_client_cache()
    real = find_connection_by_arn(ARN)
    # A host-based connection needs a host in the emulator; the member set is what matters.
    kind = real.provider_type if real.host_arn is None else "GitHub"
    fake_arn = emulator.create_connection(
        real.connection_name, provider_type=kind, status=real.connection_status
    )
    fake = emulator.boto3_client().get_connection(ConnectionArn=fake_arn)["Connection"]

    expected = set(real.to_api()) - ({"HostArn"} if real.host_arn else set())
    assert set(fake) == expected
