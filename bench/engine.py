"""The project's program on the real Pulumi CLI, with N connections, for figures 2 and 3.

The stack lists its connections under ``connections`` (the program's own config shape, written
straight into the stack file: N ``pulumi config set`` runs would cost more than the preview).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from devkit.sandbox import ProgramSandbox
from emulator.client import EmulatorClient

from .context import NO_PULUMI, BenchContext
from .stats import seconds

__all__ = [
    "PROVIDER_AGENT",
    "EngineStack",
    "calls_per_resource",
    "deployed_stack",
    "provider_calls",
]

PROVIDER_AGENT = "pulumi-codestar-connections/"
_STACK = "bench"


def calls_per_resource(emulator: EmulatorClient, operation: str, arns: list[str]) -> Counter[str]:
    """How many ``operation`` calls the provider made for each of ``arns`` (0 for none)."""
    return provider_calls(emulator.calls(operation), operation, arns)


def provider_calls(
    calls: Iterable[Mapping[str, Any]], operation: str, arns: list[str]
) -> Counter[str]:
    """Of the emulator's call records ``calls``, the provider's ``operation`` calls for each of
    ``arns`` (0 for none)."""
    counts: Counter[str] = Counter(dict.fromkeys(arns, 0))
    for call in calls:
        if call.get("Operation") == operation and PROVIDER_AGENT in (call.get("UserAgent") or ""):
            counts[str(call.get("Arn"))] += 1
    return counts


class EngineStack:
    """A sandboxed copy of the program and a stack of ``arns``, run by the real CLI."""

    def __init__(
        self, ctx: BenchContext, name: str, arns: list[str], *, program: Path | None = None
    ) -> None:
        if ctx.pulumi is None:
            raise RuntimeError(NO_PULUMI)
        root = ctx.scratch / f"engine-{name}"
        # A stack of this name from before ctx.fresh() describes connections that are gone.
        shutil.rmtree(root, ignore_errors=True)
        env = ctx.pulumi.environment(root / "pulumi", base=ctx.env)
        self.arns = arns
        self.sandbox = ProgramSandbox(root / "project", cli=ctx.pulumi, env=env)
        if program is not None:  # another program of the same config (bench/floor/dynamic)
            for source in program.glob("*.py"):
                shutil.copy2(source, self.sandbox.directory / source.name)
        self.sandbox.pulumi("stack", "init", _STACK)
        stack_file: Path = self.sandbox.directory / f"Pulumi.{_STACK}.yaml"
        existing = stack_file.read_text() if stack_file.exists() else ""
        # JSON is YAML: the list goes in as one flow-style value.
        entries = json.dumps([{"arn": arn} for arn in arns])
        stack_file.write_text(
            f"{existing.rstrip()}\nconfig:\n  codestar-connections:connections: {entries}\n"
        )

    def run(self, *args: str) -> float:
        """Seconds ``pulumi ARGS`` takes (it must succeed)."""
        return seconds(lambda: self.sandbox.pulumi(*args))


def deployed_stack(ctx: BenchContext, size: int) -> tuple[EngineStack, tuple[int, int]]:
    """A stack of ``size`` fresh connections after ``up --skip-preview``, made once per size.

    Also returns the (GetConnection, ListTagsForResource) calls per resource of that first up.
    """
    cached = ctx.stacks.get(size)
    if cached is not None:
        stack, first_up = cached
        return stack, first_up
    arns = [ctx.emulator.create_connection(f"bench-{size}-{i:04d}") for i in range(size)]
    stack = EngineStack(ctx, f"n{size}", arns)
    ctx.emulator.clear_calls()
    stack.run("up", "--yes", "--skip-preview")
    first_up = (
        max(calls_per_resource(ctx.emulator, "GetConnection", arns).values()),
        max(calls_per_resource(ctx.emulator, "ListTagsForResource", arns).values()),
    )
    ctx.stacks[size] = (stack, first_up)
    return stack, first_up
