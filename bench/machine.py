"""What the benchmarks ran on: recorded with every run, since ratios still depend on it."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from devkit.pulumi_cli import PulumiCLI

__all__ = ["describe_machine"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _pulumi_cli_version(pulumi: PulumiCLI | None) -> str:
    if pulumi is None:
        return "not installed"
    completed = subprocess.run(
        [str(pulumi.executable), "version"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
    )
    version = completed.stdout.strip() or "unknown"
    return f"{version} ({pulumi.host} language host)"


def describe_machine(pulumi: PulumiCLI | None) -> dict[str, str | int]:
    """nproc, CPU model, load, Python and Pulumi versions, and the date (UTC)."""
    load = os.getloadavg()
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count() or 0,
        "cpu": _cpu_model(),
        "load_average_at_start": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pulumi_sdk": _version("pulumi"),
        "pulumi_cli": _pulumi_cli_version(pulumi),
        "boto3": _version("boto3"),
        "botocore": _version("botocore"),
    }
