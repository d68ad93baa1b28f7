"""AWS pointed at the emulator, and nothing else: for the demo, the engine tests, the benchmarks.

The same variables for the provider host, the CLI, the AWS CLI and the Pulumi engine, so that
no side reads a developer's ~/.aws, a profile, an instance-metadata endpoint or real credentials.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = ["REGION", "emulator_env", "process_aws_env"]

REGION = "us-east-1"


def emulator_env(
    endpoint_url: str,
    scratch: Path,
    base: Mapping[str, str] | None = None,
    *,
    region: str = REGION,
    aws: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``base`` (default: this process's) less AWS_* and PULUMI_*, aimed at the emulator.

    Test credentials unless ``aws`` (AWS_* variables) says otherwise; no config files.
    """
    missing = str(scratch / "no-aws-config")
    env = {
        key: value
        for key, value in (os.environ if base is None else base).items()
        if not key.startswith(("AWS_", "PULUMI_")) and key != "PYTHONPATH"
    }
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint_url,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_CONFIG_FILE": missing,
            "AWS_SHARED_CREDENTIALS_FILE": missing,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_PAGER": "",
            **(aws or {}),
        }
    )
    return env


@contextmanager
def process_aws_env(env: Mapping[str, str]) -> Iterator[None]:
    """Use ``env``'s AWS variables in this process too (for in-process measurements)."""
    saved = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    for key in saved:
        del os.environ[key]
    os.environ.update({key: value for key, value in env.items() if key.startswith("AWS_")})
    try:
        yield
    finally:
        for key in [key for key in os.environ if key.startswith("AWS_")]:
            del os.environ[key]
        os.environ.update(saved)
