"""Cached tools that must stay out of .venv: the AWS CLI, pulumi-aws, packs, actionlint.

The AWS CLI pins its own botocore, and pulumi-aws carries a plugin the engine would demand a
binary for, so each Python tool lives in a venv of its own under
``${XDG_CACHE_HOME:-~/.cache}/codestar-pulumi/<name>-<hash>``, keyed by its requirements and the
Python version: different pins coexist instead of rebuilding each other. Go programs (actionlint)
are built from their modules into ``…/codestar-pulumi/<name>-<version>``. A tool is built when
it is missing (pip from the package index, ``go install`` from the module proxy, each through
its own cache), under a lock (parallel runs share the cache), and its completion marker is
written last, so an interrupted build is redone.

Each test that needs a tool asks the fixture of that name (tests/support/tools.py), and the
benchmarks use the same ones.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ACTIONLINT",
    "AWS_CLI",
    "EXAMPLES",
    "PLUGIN_PYTHON",
    "POLICY",
    "GoTool",
    "Tool",
    "ToolUnavailable",
    "cache_root",
    "requirement_lines",
    "requirements_by_name",
    "run_step",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
_STEP_TIMEOUT_SECONDS = 900
_MARKER = ".complete"


class ToolUnavailable(Exception):
    """A tool could not be built; the message holds the failing command's output."""


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codestar-pulumi"


def requirement_lines(path: Path) -> tuple[str, ...]:
    """The requirements of a pip requirements file, ``-r`` includes expanded, comments dropped.

    Passed to pip one by one, they key the venv by what is installed, not by file names.
    """
    lines: list[str] = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        included = re.fullmatch(r"-r\s+(\S+)", line)
        if included:
            lines.extend(requirement_lines(path.parent / included.group(1)))
        else:
            lines.append(line)
    return tuple(lines)


def requirements_by_name(path: Path) -> dict[str, str]:
    """{package name, lower case: its requirement line} of a requirements file, -r followed."""
    return {
        re.split(r"[=<>!~\[ ;]", line, maxsplit=1)[0].lower(): line
        for line in requirement_lines(path)
    }


def _pins(path: Path, names: Sequence[str]) -> tuple[str, ...]:
    """The ``name==version`` lines of ``path`` for ``names``, so two venvs share one pin."""
    found = {
        name: line
        for name, line in requirements_by_name(path).items()
        if re.fullmatch(r"[A-Za-z0-9_.-]+==\S+", line)
    }
    missing = [name for name in names if name not in found]
    if missing:
        raise ToolUnavailable(f"{path} does not pin {', '.join(missing)}")
    return tuple(found[name] for name in names)


def run_step(
    args: Sequence[str], *, timeout: float = _STEP_TIMEOUT_SECONDS, **extra_env: str
) -> str:
    """Run one build step (venv, pip, go, an install script) away from the caller's PYTHONPATH /
    VIRTUAL_ENV; its standard output, or :class:`ToolUnavailable` with what went wrong."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra_env)
    try:
        completed = subprocess.run(
            list(args),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolUnavailable(f"`{' '.join(args)}` could not run: {error}") from error
    if completed.returncode != 0:
        raise ToolUnavailable(
            f"`{' '.join(args)}` exited with {completed.returncode}:\n"
            f"{(completed.stdout + completed.stderr)[-3000:]}"
        )
    return completed.stdout


@dataclass(frozen=True, slots=True)
class Tool:
    """A virtualenv holding ``requirements`` (pip arguments); ``executable`` is what is run."""

    name: str
    requirements: tuple[str, ...]
    executable: str
    purpose: str

    @property
    def venv(self) -> Path:
        digest = hashlib.sha256("\n".join(self.requirements).encode())
        digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
        return cache_root() / f"{self.name}-{digest.hexdigest()[:16]}"

    def ensure(self, *, install: bool = True) -> Path | None:
        """The executable; the venv is built first when missing and ``install`` (else None)."""
        venv = self.venv
        executable = venv / "bin" / self.executable
        if (venv / _MARKER).is_file():
            return executable
        if not install:
            return None
        venv.parent.mkdir(parents=True, exist_ok=True)
        with (venv.parent / f".{self.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (venv / _MARKER).is_file():
                return executable
            shutil.rmtree(venv, ignore_errors=True)
            # The interpreter .venv was made from, so the tool venv does not depend on .venv.
            run_step([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)])
            pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
            # --no-compile: pulumi-aws alone is ~270 MB of sources; byte code is written on use.
            run_step([*pip, "install", "--quiet", "--no-compile", *self.requirements])
            (venv / _MARKER).write_text("\n".join(self.requirements) + "\n")
        return executable


# One pin for every use of the AWS CLI (the CLI's parity test and the benchmarks).
AWS_CLI = Tool(
    "awscli", ("awscli==1.46.3",), "aws", "the AWS CLI, for byte-for-byte parity and benchmarks"
)
# The policy pack's own requirements and nothing else: the pack must not need pulumi-aws.
POLICY = Tool(
    "policy",
    requirement_lines(REPO_ROOT / "examples" / "policy" / "requirements.txt"),
    "python",
    "examples/policy run as a policy pack on the engine",
)
# Everything the examples need together (pulumi-aws, pulumi-policy, this project's runtime) and
# the test runner that runs their pulumi-aws tests inside it, pinned as requirements-dev.txt
# pins it. The package they pin comes from this checkout instead, editable, so the venv follows
# the work tree (pip takes no pin beside an editable install of the same name). Also the
# benchmarks' pulumi-aws, for its import time.
_PACKAGE = "pulumi-codestar-connections"
EXAMPLES = Tool(
    "examples",
    (
        *(
            r
            for r in requirement_lines(REPO_ROOT / "examples" / "requirements.txt")
            if not r.startswith(f"{_PACKAGE}=")
        ),
        *("--editable", str(REPO_ROOT)),
        *_pins(REPO_ROOT / "requirements-dev.txt", ("pytest", "pytest-timeout")),
    ),
    "python",
    "the pulumi-aws examples' tests under mocks; pulumi-aws's import time",
)


# A program on the provider plugin's generated Python SDK (examples/plugin/python): Pulumi as
# the project pins it, and sdk/python editable, so the venv follows a regeneration.
PLUGIN_PYTHON = Tool(
    "plugin-python",
    (
        *_pins(REPO_ROOT / "requirements.txt", ("pulumi",)),
        *("--editable", str(REPO_ROOT / "sdk" / "python")),
    ),
    "python",
    "examples/plugin/python on the plugin's generated Python SDK",
)


@dataclass(frozen=True, slots=True)
class GoTool:
    """A Go program built from its module at ``version`` (``go install package@version``)."""

    name: str
    package: str
    version: str
    purpose: str

    @property
    def executable(self) -> Path:
        return cache_root() / f"{self.name}-{self.version}" / "bin" / self.name

    def ensure(self) -> Path:
        """The executable, built first when missing."""
        executable = self.executable
        marker = executable.parent.parent / _MARKER
        if marker.is_file():
            return executable
        marker.parent.mkdir(parents=True, exist_ok=True)
        with (marker.parent.parent / f".{self.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not marker.is_file():
                go = shutil.which("go")
                if go is None:
                    raise ToolUnavailable(f"Go is needed to build {self.name}, and there is none")
                run_step(
                    [go, "install", f"{self.package}@{self.version}"],
                    GOBIN=str(executable.parent),
                    CGO_ENABLED="0",
                )
                marker.write_text(f"{self.package}@{self.version}\n")
        return executable


ACTIONLINT = GoTool(
    "actionlint",
    "github.com/rhysd/actionlint/cmd/actionlint",
    "v1.7.12",
    "lints the GitHub Actions workflows: they cannot run here",
)
