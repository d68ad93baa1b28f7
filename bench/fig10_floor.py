"""Figure 10: N connections on the real engine against the engine's own floor.

The floor is what the same CLI, SDK, language host and provider host cost for N resources that
make no AWS call at all (bench/floor): everything above it is ours. For N = 10, 50, 200 at 0 and
50 ms, ``pulumi preview``, ``pulumi up --skip-preview`` and ``pulumi refresh --skip-preview``:

- the repository's program (figure 3's stacks) against ``bench/floor/dynamic``: the same
  program shape (stack config, resource names, outputs, exports) on a dynamic provider whose
  Check returns its inputs and whose Read returns its state;
- the provider plugin's YAML program (figure 8's stacks) against the same YAML program of
  ``noop:Connection`` resources, served by ``bench/floor/pulumi-resource-noop`` on the same
  Pulumi provider server (only where the CLI runs Python plugins: see figure 8).

Subject and floor run by turns within each repeat. At the largest N and latency two more sides
take their turns: the subject with its lookups free (``bench/floor/free_lookups``: the same
program, provider and stack, every lookup answered from memory with what the real one returns),
and the same after one real lookup (botocore loaded, a client, two calls): what is above the
floor splits into the rest of ours, what one botocore lookup adds, and the other calls.
Also measured, for the plots: the AWS CLI loop of figure 3 (N ``aws codestar-connections
get-connection``, sampled and scaled), and where the CPU goes at the largest N and latency
(each process of one run of each side, by role, from /proc). With the emulator throttling
GetConnection and ListTagsForResource over 20 calls a second each (``RatePerSecond`` faults),
the largest preview must still pass: its time and the attempts it took are recorded.
Benchmarks assert nothing about time.
"""

from __future__ import annotations

import pickle
import statistics
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from devkit.pulumi_cli import PULUMI_HOST_RUNS_NO_PLUGINS, PulumiCLI
from devkit.sandbox import run_pulumi
from devkit.tools import AWS_CLI
from pulumi_codestar_connections.aws import describe_connection
from pulumi_codestar_connections.core.arns import parse_connection_arn

from .context import NO_PULUMI, REPO_ROOT, BenchContext, log
from .engine import EngineStack, deployed_stack, provider_calls
from .fig3_engine import FULL_SIZES, QUICK_SIZES, aws_cli_get_each
from .fig8_plugin import PluginStack, deployed_plugin_stack, plugin_folder
from .floor.free_lookups.sitecustomize import ANSWERS, ONE_REAL
from .plots import CpuBar, Series, cpu_plot, scaling_plot
from .proctree import cpu_by_role
from .report import Figure, Goal, Row
from .stats import Spread, ratios, seconds

__all__ = ["FLOOR_PLUGIN", "FLOOR_PROGRAM", "OPERATIONS", "run"]

FLOOR_PROGRAM = REPO_ROOT / "bench" / "floor" / "dynamic"
FLOOR_PLUGIN = REPO_ROOT / "bench" / "floor" / "pulumi-resource-noop"
# On PYTHONPATH for the runs with free lookups (its sitecustomize.py answers them).
_FREE_LOOKUPS = REPO_ROOT / "bench" / "floor" / "free_lookups"


class _FreeSide(NamedTuple):
    """A side with free lookups, run at the largest N and latency."""

    label: str
    one_real: bool  # one real lookup first
    note: str
    calls: int  # the AWS calls each of its runs must make


_FREE_SIDES = (
    _FreeSide("lookups free", False, "every lookup answered from memory", 0),
    # The one lookup's GetConnection and ListTagsForResource.
    _FreeSide(
        "one real lookup, the rest free", True, "one lookup made, then the others from memory", 2
    ),
)
OPERATIONS: dict[str, tuple[str, ...]] = {
    "preview": ("preview",),
    "up": ("up", "--yes", "--skip-preview"),
    "refresh": ("refresh", "--yes", "--skip-preview"),
}
GOAL = Goal(1.3)  # at the largest N and latency (N = 200, 50 ms in a full run)
_MAX_REPEATS = 3  # as figure 3
# For the plot only: 8 runs of the AWS CLI, evenly spaced over the N, scaled (figure 3 times 25).
_AWS_CLI_SAMPLE = 8
# AWS throttles an account's calls to an API above some rate. CodeStar Connections publishes
# none; 20 calls a second, per operation, is a low one for a Get/List API.
_RATE_PER_SECOND = 20.0
_THROTTLED_OPERATIONS = ("GetConnection", "ListTagsForResource")


@dataclass(frozen=True, slots=True)
class _Stack:
    """What this figure needs of a stack: run ``pulumi ARGS`` (timed), the same with the CPU of
    every process below it by role, and the same stack under more environment."""

    cli: PulumiCLI
    cwd: Path
    env: dict[str, str]

    def run(self, *args: str) -> float:
        return seconds(lambda: run_pulumi(self.cli, self.cwd, self.env, args))

    def cpu(self, *args: str) -> tuple[float, dict[str, float]]:
        argv = [str(self.cli.executable), *args, "--non-interactive"]
        return cpu_by_role(argv, self.cwd, self.env)

    def with_free_lookups(self, answers: Path, side: _FreeSide) -> _Stack:
        """The same stack, its lookups answered from ``answers`` as ``side`` says (see
        _FREE_LOOKUPS)."""
        extra = {"PYTHONPATH": str(_FREE_LOOKUPS), ANSWERS: str(answers)}
        if side.one_real:
            extra[ONE_REAL] = "1"
        return _Stack(self.cli, self.cwd, {**self.env, **extra})


def _engine(stack: EngineStack) -> _Stack:
    sandbox = stack.sandbox
    return _Stack(sandbox.cli, sandbox.directory, sandbox.env)


def _plugin(stack: PluginStack) -> _Stack:
    return _Stack(stack.cli, stack.directory, stack.env)


@dataclass(frozen=True, slots=True)
class _Pair:
    kind: str  # "dynamic provider" or "plugin"
    subject: _Stack
    floor: _Stack
    arns: list[str]


def _floor_stack(ctx: BenchContext, size: int, arns: list[str]) -> EngineStack:
    cached = ctx.stacks.get(("floor", size))
    if cached is None:
        cached = EngineStack(ctx, f"floor-n{size}", arns, program=FLOOR_PROGRAM)
        cached.run("up", "--yes", "--skip-preview")
        ctx.stacks["floor", size] = cached
    stack: EngineStack = cached
    return stack


def _noop_plugin_stack(ctx: BenchContext, size: int, arns: list[str]) -> PluginStack:
    assert ctx.pulumi is not None
    cached = ctx.stacks.get(("noop", size))
    if cached is None:
        plugin = plugin_folder(ctx, FLOOR_PLUGIN)
        cached = PluginStack(ctx, ctx.pulumi, plugin, arns, package="noop")
        cached.run("up", "--yes", "--skip-preview")
        ctx.stacks["noop", size] = cached
    stack: PluginStack = cached
    return stack


def _pairs(ctx: BenchContext, size: int, figure: Figure) -> list[_Pair]:
    assert ctx.pulumi is not None
    ours, _ = deployed_stack(ctx, size)
    pairs = [
        _Pair(
            "dynamic provider",
            _engine(ours),
            _engine(_floor_stack(ctx, size, ours.arns)),
            ours.arns,
        )
    ]
    if ctx.pulumi.runs_plugins:
        plugin, _ = deployed_plugin_stack(ctx, ctx.pulumi, plugin_folder(ctx), size)
        noop = _noop_plugin_stack(ctx, size, plugin.arns)
        pairs.append(_Pair("plugin", _plugin(plugin), _plugin(noop), plugin.arns))
    else:
        figure.details["plugin"] = f"not measured: {PULUMI_HOST_RUNS_NO_PLUGINS}"
    return pairs


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        10,
        "N connections on the real engine against the engine's own floor",
        "the same N through a provider that makes no call (bench/floor: a no-op dynamic "
        "provider program, a no-op plugin), same engine, venv and run",
    )
    if ctx.pulumi is None:
        figure.skipped = NO_PULUMI
        return figure
    sizes = ctx.engine_sizes or (QUICK_SIZES if ctx.quick else FULL_SIZES)
    latencies = (0,) if ctx.quick else ctx.latencies_ms
    repeats = min(ctx.repeats, _MAX_REPEATS)
    aws = AWS_CLI.ensure(install=ctx.install_tools)
    largest = (max(sizes), max(latencies))
    series: dict[str, dict[int, dict[int, float]]] = {}  # label -> latency -> size -> seconds
    bars: list[CpuBar] = []
    for size in sizes:
        pairs = _pairs(ctx, size, figure)
        free: dict[str, list[_Stack]] = {}
        for pair in pairs if size == largest[0] else []:
            answers = _answers(ctx, pair)
            free[pair.kind] = [
                pair.subject.with_free_lookups(answers, side) for side in _FREE_SIDES
            ]
        if not ctx.quick:
            for pair in pairs:  # warm: byte code, page cache
                for stack in (pair.subject, pair.floor, *free.get(pair.kind, [])):
                    stack.run("preview")
        for latency in latencies:
            with ctx.latency(latency):
                for pair in pairs:
                    for operation, args in OPERATIONS.items():
                        sides = _FREE_SIDES if (size, latency) == largest else ()
                        stacks = [pair.subject, pair.floor, *(free[pair.kind] if sides else [])]
                        times, calls = _take_turns(ctx, stacks, args, repeats)
                        subject, floor = times[:2]
                        per_run = {  # the subject's own runs only
                            operation: _per_run(calls[0], operation, pair.arns, repeats)
                            for operation in _THROTTLED_OPERATIONS
                        }
                        log(
                            f"fig 10, N={size}, {latency} ms, {pair.kind} {operation}: "
                            f"{statistics.median(subject):.2f} s, floor "
                            f"{statistics.median(floor):.2f} s"
                        )
                        at_goal = (size, latency) == largest and not ctx.quick
                        figure.rows.append(
                            Row(
                                f"N={size}, {latency} ms, {pair.kind}: {operation} / floor",
                                ratios(subject, floor),
                                "x",
                                GOAL if at_goal else None,
                                note=f"{statistics.median(floor):.2f} s floor; per resource "
                                f"per run: GetConnection {per_run['GetConnection']}, "
                                f"ListTagsForResource {per_run['ListTagsForResource']}",
                            )
                        )
                        details: dict[str, Any] = {
                            "seconds": Spread.of(subject).to_json(),
                            "floor_seconds": Spread.of(floor).to_json(),
                            "calls_per_resource_per_run": per_run,
                        }
                        figure.details[f"N={size}, {latency}ms, {pair.kind}, {operation}"] = details
                        for side, freed, made in zip(sides, times[2:], calls[2:], strict=True):
                            _free_lookups_row(
                                figure,
                                side,
                                label=f"N={size}, {latency} ms, {pair.kind}, {side.label}: "
                                f"{operation} / floor",
                                details=details,
                                freed=freed,
                                floor=floor,
                                calls=len(made) / repeats,
                            )
                        if operation == "preview":
                            for label, seconds_of in (
                                (pair.kind, subject),
                                (f"no-op {pair.kind}", floor),
                            ):
                                series.setdefault(label, {}).setdefault(latency, {})[size] = (
                                    statistics.median(seconds_of)
                                )
                        if (size, latency) == largest:
                            bars += _where_the_time_goes(pair, operation)
                if aws is not None:
                    loop = aws_cli_get_each(aws, pairs[0].arns, ctx.env, sample=_AWS_CLI_SAMPLE)
                    series.setdefault("AWS CLI loop", {}).setdefault(latency, {})[size] = loop
        if (size, largest[1]) == largest:
            _throttled(ctx, figure, pairs[0], size, largest[1])
    figure.details["preview_seconds_for_plots"] = {
        label: {
            str(latency): {str(n): s for n, s in by_size.items()}
            for latency, by_size in by_latency.items()
        }
        for label, by_latency in series.items()
    }
    figure.details["largest"] = f"N={largest[0]}, {largest[1]} ms a call"
    figure.details["cpu_seconds_by_role"] = [bar.to_json() for bar in bars]
    if ctx.plots is not None:
        try:
            drawn = write_plots(figure.details, ctx.plots, ".quick" if ctx.quick else "")
        except Exception as error:  # the measurements above stay in the results
            figure.details["plots"] = f"not drawn: {type(error).__name__}: {error}"
        else:
            figure.details["plots"] = [str(path) for path in drawn]
    return figure


def _take_turns(
    ctx: BenchContext, stacks: list[_Stack], args: tuple[str, ...], repeats: int
) -> tuple[list[list[float]], list[list[dict[str, Any]]]]:
    """Run the stacks by turns (the order reversed every other repeat): the seconds of each
    stack's runs, and the calls the emulator saw during them (its log cleared before each)."""
    times: list[list[float]] = [[] for _ in stacks]
    calls: list[list[dict[str, Any]]] = [[] for _ in stacks]
    for repeat in range(repeats):
        order = list(enumerate(stacks))
        for index, stack in order[:: 1 if repeat % 2 == 0 else -1]:
            ctx.emulator.clear_calls()
            times[index].append(stack.run(*args))
            calls[index] += ctx.emulator.calls()
    return times, calls


def _answers(ctx: BenchContext, pair: _Pair) -> Path:
    """What the real lookups of ``pair.arns`` return now, pickled for FREE_LOOKUPS (made here,
    before the call log of any measured run is cleared)."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        details = pool.map(
            lambda arn: describe_connection(arn=parse_connection_arn(arn), region="", service=""),
            pair.arns,
        )
        answers = dict(zip(pair.arns, details, strict=True))
    path = ctx.scratch / f"fig10-answers-{pair.kind.replace(' ', '-')}-{len(pair.arns)}.pickle"
    path.write_bytes(pickle.dumps(answers))
    return path


def _free_lookups_row(
    figure: Figure,
    side: _FreeSide,
    *,
    label: str,
    details: dict[str, Any],
    freed: list[float],
    floor: list[float],
    calls: float,
) -> None:
    """A side with free lookups over the same floor, and the AWS calls it made per run (it must
    make ``side.calls``: else its lookups were not what its label says)."""
    if calls != side.calls:
        raise RuntimeError(f"{label}: {calls:g} AWS calls a run, expected {side.calls}")
    log(f"fig 10, {label}: {statistics.median(freed):.2f} s over {statistics.median(floor):.2f} s")
    figure.rows.append(
        Row(
            label,
            ratios(freed, floor),
            "x",
            note=f"{side.note} (bench/floor/free_lookups); AWS calls per run: {calls:g}",
        )
    )
    details.setdefault("free_lookups", {})[side.label] = {
        "seconds": Spread.of(freed).to_json(),
        "aws_calls_per_run": calls,
    }


def _per_run(calls: list[dict[str, Any]], operation: str, arns: list[str], repeats: int) -> str:
    """``operation``'s calls per resource per run among ``calls``: "1", or the fewest-most when
    resources differ."""
    counts = provider_calls(calls, operation, arns).values()
    low, high = min(counts) / repeats, max(counts) / repeats
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def write_plots(details: dict[str, Any], directory: Path, suffix: str = "") -> list[Path]:
    """The figure's two plots, from its details (a run's, or a results file's): SVG files
    ``fig10-preview{suffix}.svg`` and ``fig10-cpu{suffix}.svg`` in ``directory``."""
    series = [
        Series(
            label,
            {
                int(ms): {int(n): s for n, s in by_size.items()}
                for ms, by_size in by_latency.items()
            },
        )
        for label, by_latency in details["preview_seconds_for_plots"].items()
    ]
    bars = [
        CpuBar(bar["label"], bar["seconds"], bar["cpu_by_role"])
        for bar in details["cpu_seconds_by_role"]
    ]
    return [
        scaling_plot(
            directory / f"fig10-preview{suffix}.svg",
            series,
            title="pulumi preview of N connections",
        ),
        cpu_plot(
            directory / f"fig10-cpu{suffix}.svg",
            bars,
            title=f"where the time goes: {details['largest']}",
        ),
    ]


def _where_the_time_goes(pair: _Pair, operation: str) -> list[CpuBar]:
    """One more run of each side of ``operation``, the CPU of its processes by role."""
    args = OPERATIONS[operation]
    found = []
    for side, stack in (
        (pair.kind, pair.subject),
        (f"no-op {pair.kind}", pair.floor),
    ):
        seconds, by_role = stack.cpu(*args)
        found.append(CpuBar(f"{operation}: {side}", seconds, dict(by_role)))
    return found


def _throttled(ctx: BenchContext, figure: Figure, pair: _Pair, size: int, latency: int) -> None:
    """The preview again, AWS throttling every lookup API over a rate: it must pass.

    At most ``_RATE_PER_SECOND`` calls a second of each operation pass (after a first burst
    of as many); the rest are answered ThrottlingException. What that rate allows: N calls of
    each operation take (N - rate) / rate seconds however wide the prefetch.
    """
    ctx.emulator.clear_faults()
    try:
        for operation in _THROTTLED_OPERATIONS:
            ctx.emulator.add_fault(
                operation,
                error_code="ThrottlingException",
                http_status=400,
                count=-1,
                rate_per_second=_RATE_PER_SECOND,
                latency_ms=latency,
            )
        if latency:
            ctx.emulator.add_fault("*", latency_ms=latency, count=-1)
        ctx.emulator.clear_calls()
        seconds = pair.subject.run("preview")
        calls = ctx.emulator.calls()
    finally:
        ctx.emulator.clear_faults()
    lookups = [call for call in calls if call.get("Operation") in _THROTTLED_OPERATIONS]
    throttled = sum(call.get("ErrorCode") == "ThrottlingException" for call in lookups)
    needed = len(_THROTTLED_OPERATIONS) * size
    bound = max(0.0, size - _RATE_PER_SECOND) / _RATE_PER_SECOND
    log(
        f"fig 10, N={size}, {latency} ms, AWS limiting each lookup API to "
        f"{_RATE_PER_SECOND:g}/s: preview passed in {seconds:.1f} s (the rate allows "
        f"{bound:.1f} s), {len(lookups)} attempts for {needed} calls, {throttled} throttled"
    )
    figure.rows.append(
        Row(
            f"N={size}, {latency} ms, AWS throttling each lookup API over "
            f"{_RATE_PER_SECOND:g} calls/s: preview passed",
            Spread.exact(seconds),
            "s",
            note=f"the rate allows {bound:.1f} s; {len(lookups)} attempts for {needed} calls, "
            f"{throttled} throttled and retried",
        )
    )


if __name__ == "__main__":
    # `python -m bench.fig10_floor [results.json]`: the plots again, next to the results file.
    import json
    import sys

    results = Path(sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT / "bench" / "results.json")
    document = json.loads(results.read_text())
    for written in write_plots(document["figures"]["10"]["details"], results.resolve().parent):
        print(written)
