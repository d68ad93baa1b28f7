"""What users would pick instead, each in its own cached virtualenv (never in .venv).

The AWS CLI pins its own botocore and pulumi-aws brings a plugin-carrying package the engine
would demand a binary for, so neither may enter the project's .venv. Both live under
``${XDG_CACHE_HOME:-~/.cache}/codestar-pulumi/`` and are installed on first use with pip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

__all__ = ["AWS_CLI", "PULUMI_AWS", "Tool", "cache_dir"]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codestar-pulumi"


@dataclass(frozen=True, slots=True)
class Tool:
    """A virtualenv holding ``requirements``; ``executable`` is what the benchmarks run."""

    venv_name: str
    requirements: tuple[str, ...]
    executable: str

    @property
    def venv(self) -> Path:
        return cache_dir() / self.venv_name

    @property
    def path(self) -> Path:
        return self.venv / "bin" / self.executable

    @property
    def _stamp(self) -> Path:
        return self.venv / ".bench-requirements"

    def ready(self) -> bool:
        stamp = self._stamp
        wanted = "\n".join(self.requirements)
        return self.path.is_file() and stamp.is_file() and stamp.read_text() == wanted

    def ensure(self, *, install: bool) -> Path | None:
        """The executable; installed first when missing and ``install`` (else None)."""
        if self.ready():
            return self.path
        if not install:
            return None
        shutil.rmtree(self.venv, ignore_errors=True)
        self.venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(self.venv)], check=True)
        python = str(self.venv / "bin" / "python")
        # ensurepip has been seen to fail once and succeed when repeated.
        for attempt in (1, 2):
            completed = subprocess.run(
                [python, "-m", "ensurepip", "--default-pip"], capture_output=True, check=False
            )
            if completed.returncode == 0:
                break
            if attempt == 2:
                raise RuntimeError(f"ensurepip failed in {self.venv}: {completed.stderr!r}")
        pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, *self.requirements], check=True)
        self._stamp.write_text("\n".join(self.requirements))
        return self.path


AWS_CLI = Tool("awscli-venv", ("awscli==1.46.3",), "aws")
# The same Pulumi SDK as the project's, so that import times compare like for like.
PULUMI_AWS = Tool(
    "pulumi-aws-venv", ("pulumi-aws==7.51.1", f"pulumi=={metadata.version('pulumi')}"), "python"
)
