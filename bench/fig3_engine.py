"""Figure 3: ``pulumi preview`` on the real engine for N connections, against the AWS CLI.

The baseline is what a pipeline without Pulumi would do: ``aws codestar-connections
get-connection`` once per connection, one after the other (the AWS CLI from its own venv).
Growth with N is judged from the preview times themselves: the cost of each added connection
between 50 and 200 against that between 10 and 50 (1 = linear).
"""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path

from devkit.tools import AWS_CLI

from .context import NO_PULUMI, BenchContext, log
from .engine import deployed_stack
from .report import Figure, Goal, Row
from .stats import Spread, ratios, seconds

__all__ = ["FULL_SIZES", "QUICK_SIZES", "growth_rows", "run"]

FULL_SIZES = (10, 50, 200)
QUICK_SIZES = (2,)  # figure 2's stack: the smoke run makes no second one
_MAX_REPEATS = 3  # N=200 previews take tens of seconds on two cores
# One AWS CLI run costs ~1-2 s of a busy 2-core machine, so 200 of them, 3 times at 2 latencies,
# would take most of an hour. The runs are alike and independent: above this many, an evenly
# spaced sample is timed and scaled to N (the row's note says so).
_MAX_AWS_CLI_RUNS = 25


def aws_cli_get_each(
    aws: Path, arns: list[str], env: dict[str, str], *, sample: int = _MAX_AWS_CLI_RUNS
) -> float:
    """Seconds for ``aws codestar-connections get-connection`` on each ARN, one after another.

    Beyond ``sample`` ARNs, an evenly spaced sample of them runs and the time is scaled.
    """
    runs = arns[:: -(-len(arns) // sample)]

    def run_all() -> None:
        for arn in runs:
            subprocess.run(
                [str(aws), "codestar-connections", "get-connection", "--connection-arn", arn],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                check=True,
            )

    return seconds(run_all) * len(arns) / len(runs)


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        3,
        "real-engine `pulumi preview` for N connections",
        "N sequential `aws codestar-connections get-connection` runs (AWS CLI in its own venv)",
    )
    if ctx.pulumi is None:
        figure.skipped = NO_PULUMI
        return figure
    aws = AWS_CLI.ensure(install=ctx.install_tools)
    if aws is None:
        figure.details["baseline"] = f"skipped: no AWS CLI venv at {AWS_CLI.venv}"
    sizes = ctx.engine_sizes or (QUICK_SIZES if ctx.quick else FULL_SIZES)
    latencies = (0,) if ctx.quick else ctx.latencies_ms
    repeats = min(ctx.repeats, _MAX_REPEATS)
    previews: dict[tuple[int, int], list[float]] = {}
    for size in sizes:
        stack, _ = deployed_stack(ctx, size)
        if not ctx.quick:  # (the smoke run's stack has just been previewed by figure 2)
            stack.run("preview")  # warm: byte code, page cache
            if aws is not None:
                aws_cli_get_each(aws, stack.arns[:1], ctx.env)  # the AWS CLI's too
        for latency in latencies:
            with ctx.latency(latency):
                times: list[float] = []
                baseline: list[float] = []
                for repeat in range(repeats):
                    if aws is not None:
                        baseline.append(aws_cli_get_each(aws, stack.arns, ctx.env))
                    times.append(stack.run("preview"))
                    log(
                        f"fig 3, N={size}, {latency} ms, run {repeat + 1}: preview "
                        f"{times[-1]:.1f} s"
                        + (f", AWS CLI x N {baseline[-1]:.1f} s" if baseline else "")
                    )
            previews[size, latency] = times
            figure.details[f"N={size}, {latency}ms"] = {
                "preview_seconds": Spread.of(times).to_json(),
                "aws_cli_seconds": Spread.of(baseline).to_json() if baseline else None,
            }
            if baseline:
                figure.rows.append(
                    Row(
                        f"N={size}, {latency} ms: N x aws get-connection / preview",
                        ratios(baseline, times),
                        "x",
                        Goal(20, at_most=False) if size == 200 else None,
                        note="how many times faster the preview is"
                        + (
                            f"; AWS CLI: {_MAX_AWS_CLI_RUNS} of {size} runs timed, scaled"
                            if size > _MAX_AWS_CLI_RUNS
                            else ""
                        ),
                    )
                )
    if len(sizes) == 3:
        for latency in latencies:
            medians = {size: statistics.median(previews[size, latency]) for size in sizes}
            figure.rows += growth_rows(medians, latency)
    return figure


def growth_rows(medians: dict[int, float], latency: int) -> list[Row]:
    """How preview time grows over three sizes, from each size's median preview time.

    Medians, not run-by-run pairs: the sizes run one after another, so run i of one size has
    nothing in common with run i of another, and differences of single runs are mostly noise.
    """
    small, middle, large = sorted(medians)
    early = (medians[middle] - medians[small]) / (middle - small)
    late = (medians[large] - medians[middle]) / (large - middle)
    return [
        Row(
            f"preview N={large} / N={small}, {latency} ms (N grew {large // small}x)",
            Spread.exact(medians[large] / medians[small]),
            "x",
            Goal(large / small),
            note="at most linear; from the median previews",
        ),
        Row(
            f"seconds per added connection, {middle}->{large} / {small}->{middle}, {latency} ms",
            Spread.exact(late / early),
            "x",
            Goal(1.5),
            note=f"1 = linear; {early * 1e3:.0f} then {late * 1e3:.0f} ms per connection",
        ),
    ]
