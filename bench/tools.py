"""What users would pick instead, each in its own cached virtualenv (never in .venv).

The AWS CLI pins its own botocore and pulumi-aws brings a plugin-carrying package the engine
would demand a binary for, so neither may enter the project's .venv. Both live under
``${XDG_CACHE_HOME:-~/.cache}/codestar-pulumi/`` and are installed on first use with pip.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from devkit.venvs import AWSCLI_REQUIREMENT, cache_root, cached_venv

__all__ = ["AWS_CLI", "PULUMI_AWS", "Tool", "cache_dir"]

cache_dir = cache_root


@dataclass(frozen=True, slots=True)
class Tool:
    """A virtualenv holding ``requirements``; ``executable`` is what the benchmarks run."""

    venv_name: str
    requirements: tuple[str, ...]
    executable: str

    @property
    def venv(self) -> Path:
        return cache_dir() / f"{self.venv_name}-*"

    def ensure(self, *, install: bool) -> Path | None:
        """The executable; installed first when missing and ``install`` (else None)."""
        venv = cached_venv(self.venv_name, self.requirements, install=install)
        return None if venv is None else venv / "bin" / self.executable


AWS_CLI = Tool("awscli", (AWSCLI_REQUIREMENT,), "aws")
# The same Pulumi SDK as the project's, so that import times compare like for like.
PULUMI_AWS = Tool(
    "pulumi-aws", ("pulumi-aws==7.51.1", f"pulumi=={metadata.version('pulumi')}"), "python"
)
