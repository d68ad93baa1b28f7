"""``get --output json`` prints what ``aws codestar-connections get-connection`` prints.

The AWS CLI (v1, from PyPI) lives in its own virtualenv under the user's cache directory: it
pins its own botocore, which may not be ours, so it never goes into .venv. The ``aws_cli``
fixture builds that virtualenv when it is missing (about half a minute) and reuses it after.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

from emulator.client import EmulatorClient
from tests.cli.conftest import Cli, concurrently


@pytest.mark.cold_cache
def test_get_json_is_byte_for_byte_the_aws_clis(
    cli: Cli, emulator: EmulatorClient, aws_cli: Path
) -> None:
    host_arn = emulator.create_host(endpoint="https://g.example")
    arns = [
        emulator.create_connection("cloud", status="PENDING"),
        emulator.create_connection("hosted", host_arn=host_arn),
        emulator.create_connection("new-api", service="codeconnections", region="eu-west-1"),
    ]

    def aws(arn: str) -> subprocess.CompletedProcess[str]:
        # The AWS CLI takes the region from its configuration, not from the ARN.
        _, _, service, region, _ = arn.split(":", 4)
        command = [str(aws_cli), service, "get-connection", "--connection-arn", arn]
        command += ["--region", region]
        return subprocess.run(
            [*command, "--output", "json"], env=cli.env, capture_output=True, text=True, check=False
        )

    # Both CLIs start slowly (botocore); run the six invocations side by side.
    theirs = concurrently(*(functools.partial(aws, arn) for arn in arns))
    ours = concurrently(*(functools.partial(cli, "get", arn, "--output", "json") for arn in arns))

    for arn, aws_result, our_result in zip(arns, theirs, ours, strict=True):
        assert aws_result.returncode == 0, aws_result.stderr
        assert our_result.exit_code == 0, our_result
        assert our_result.stdout == aws_result.stdout, arn
