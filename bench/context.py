"""What every figure gets: the mode, the shared emulator, the AWS environment, the tools."""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devkit.awsenv import emulator_env
from devkit.emulator_process import EmulatorProcess
from devkit.pulumi_cli import PulumiCLI
from emulator.client import EmulatorClient

__all__ = ["NO_PULUMI", "REPO_ROOT", "BenchContext", "log", "running_emulator"]

REPO_ROOT = Path(__file__).resolve().parents[1]
NO_PULUMI = "no Pulumi CLI (run scripts/install-pulumi-cli, or pass --pulumi-bin)"
# Enough connections per account and region for figure 5's thousand.
_CONNECTION_LIMIT = 1200


def log(message: str) -> None:
    """Progress goes to stderr; the table and nothing else to stdout."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BenchContext:
    quick: bool
    repeats: int
    install_tools: bool
    """Install the AWS CLI / pulumi-aws venvs when missing (full runs); else skip those parts."""
    latencies_ms: tuple[int, ...]
    """Injected per-call latencies: 0, and 50 ms (a real region's round trip)."""
    scratch: Path
    emulator: EmulatorClient
    env: dict[str, str]
    pulumi: PulumiCLI | None
    """The CLI and language host of the engine figures (None: those are skipped)."""
    engine_sizes: tuple[int, ...] | None = None
    """Connection counts for figures 3 and 8 (default: 10, 50, 200; quick: figure 2's stack)."""
    stacks: dict[Hashable, Any] = field(default_factory=dict)
    """Deployed stacks, made once per run: the program's by connection count (figures 2, 3, 8
    and 10), the plugin's by ("codestar", count), figure 10's floors by ("floor", count) and
    ("noop", count)."""
    plots: Path | None = None
    """Where figures write their plots (next to the JSON results); None: no plots."""

    @contextmanager
    def latency(self, latency_ms: int) -> Iterator[None]:
        """Every AWS call the emulator answers takes ``latency_ms`` longer, until the block ends."""
        self.emulator.clear_faults()
        if latency_ms:
            self.emulator.add_fault("*", latency_ms=latency_ms, count=-1)
        try:
            yield
        finally:
            self.emulator.clear_faults()

    def fresh(self) -> None:
        """Forget every connection, fault and call of an earlier figure (and stacks of them)."""
        self.emulator.reset()
        self.stacks.clear()


@contextmanager
def running_emulator(scratch: Path) -> Iterator[tuple[EmulatorClient, dict[str, str]]]:
    """The emulator in its own process, so it shares no interpreter lock with the measurer."""
    process = EmulatorProcess(extra_args=("--connection-limit", str(_CONNECTION_LIMIT)))
    url = process.start()
    try:
        yield EmulatorClient(url), emulator_env(url, scratch)
    finally:
        process.stop()
