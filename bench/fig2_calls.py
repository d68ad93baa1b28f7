"""Figure 2: GetConnection calls per resource for each engine operation, from the call log.

The limit is one GetConnection per resource per engine phase: ``pulumi up`` without
``--skip-preview`` (and ``refresh`` / ``preview --refresh``) runs two phases, each of which
must look the connection up, so two calls per resource is one per phase there.
"""

from __future__ import annotations

from .context import NO_PULUMI, BenchContext, log
from .engine import EngineStack, calls_per_resource, deployed_stack
from .report import Figure, Goal, Row
from .stats import Spread

__all__ = ["OPERATIONS", "run"]

# (label, pulumi arguments, engine phases that must each look the connection up once)
OPERATIONS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("preview", ("preview",), 1),
    ("up --skip-preview", ("up", "--yes", "--skip-preview"), 1),
    ("up (its preview phase + update)", ("up", "--yes"), 2),
    ("refresh --skip-preview", ("refresh", "--yes", "--skip-preview"), 1),
    ("refresh (its preview phase + refresh)", ("refresh", "--yes"), 2),
    ("preview --refresh", ("preview", "--refresh"), 2),
)
# The smoke run keeps one operation besides the first up: engine commands take seconds each.
_QUICK = ("preview",)


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        2,
        "GetConnection calls per resource per engine operation (emulator call log)",
        "the limit: 1 GetConnection per resource per engine phase",
    )
    if ctx.pulumi is None:
        figure.skipped = NO_PULUMI
        return figure
    size = 2 if ctx.quick else 10
    ctx.emulator.clear_faults()
    stack, first_up = deployed_stack(ctx, size)
    counts = {"up --skip-preview, creating": first_up}
    figure.rows.append(
        Row(
            "GetConnection per resource: up --skip-preview, creating",
            Spread.exact(first_up[0]),
            "calls",
            Goal(1),
            note="1 engine phase",
        )
    )
    for label, args, phases in OPERATIONS:
        if ctx.quick and label not in _QUICK:
            continue
        ctx.emulator.clear_calls()
        stack.run(*args)
        counts[label] = _per_resource(ctx, stack)
        get, tags = counts[label]
        log(f"fig 2, {label}: {get} GetConnection, {tags} ListTagsForResource per resource")
        figure.rows.append(
            Row(
                f"GetConnection per resource: {label}",
                Spread.exact(get),
                "calls",
                Goal(phases),
                note=f"{phases} engine phase(s)" + (", one call each" if phases > 1 else ""),
            )
        )
    figure.details = {
        "connections": size,
        "per_resource": {
            label: {"GetConnection": get, "ListTagsForResource": tags}
            for label, (get, tags) in counts.items()
        },
    }
    return figure


def _per_resource(ctx: BenchContext, stack: EngineStack) -> tuple[int, int]:
    """(GetConnection, ListTagsForResource) per resource; every resource must be alike."""
    result = []
    for operation in ("GetConnection", "ListTagsForResource"):
        per_arn = calls_per_resource(ctx.emulator, operation, stack.arns)
        if len(set(per_arn.values())) != 1:
            raise RuntimeError(f"resources differ in {operation} calls: {dict(per_arn)}")
        result.append(next(iter(per_arn.values())))
    return result[0], result[1]
