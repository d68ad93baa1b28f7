"""Figure 5: 50 name lookups among 1,000 connections, with and without the shared listing.

Looking a connection up by name means listing every page of ListConnections (100 per page).
The provider shares one listing among the lookups of one operation (``shared=True``); the
baseline is what each lookup would cost alone (pulumi-aws and Terraform list per lookup).
Both run the lookups on 4 threads, like the provider host's gRPC pool.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

from devkit.awsenv import REGION
from pulumi_codestar_connections import aws

from .context import BenchContext, log
from .engine import PROVIDER_AGENT
from .report import Figure, Goal, Row
from .stats import Spread, ratios, seconds

__all__ = ["run"]

_SERVICE = "codestar-connections"
_PAGE = 100
_HOST_THREADS = 4


def _lookups(names: list[str], *, shared: bool) -> float:
    """Seconds for all lookups, starting from an empty listing cache and a warm client."""
    aws.clear_client_cache()
    aws.client_for(_SERVICE, REGION)
    find = functools.partial(aws.find_connection_by_name, region=REGION, shared=shared)
    with ThreadPoolExecutor(max_workers=_HOST_THREADS) as pool:
        return seconds(lambda: list(pool.map(find, names)))


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        5,
        "name lookups over many connections: ListConnections calls and time",
        "each lookup lists every page itself",
    )
    ctx.fresh()
    total, lookups = (200, 5) if ctx.quick else (1000, 50)
    names = [f"bench-name-{index:04d}" for index in range(total)]
    for name in names:
        ctx.emulator.create_connection(name)
    wanted = names[:: total // lookups][:lookups]
    pages = -(-total // _PAGE)

    def list_calls() -> int:
        return sum(
            PROVIDER_AGENT in (call.get("UserAgent") or "")
            for call in ctx.emulator.calls("ListConnections")
        )

    _lookups(wanted[:1], shared=False)  # warm: code paths, pool, parser caches
    for latency in ctx.latencies_ms:
        shared_times: list[float] = []
        alone_times: list[float] = []
        calls: dict[str, int] = {}
        with ctx.latency(latency):
            for repeat in range(ctx.repeats):
                for label, shared, times in (
                    ("shared", True, shared_times),
                    ("alone", False, alone_times),
                )[:: 1 if repeat % 2 == 0 else -1]:
                    ctx.emulator.clear_calls()
                    times.append(_lookups(wanted, shared=shared))
                    calls[label] = list_calls()
                log(
                    f"fig 5, {latency} ms, run {repeat + 1}: shared {shared_times[-1]:.2f} s "
                    f"({calls['shared']} calls), alone {alone_times[-1]:.2f} s "
                    f"({calls['alone']} calls)"
                )
        figure.rows += [
            Row(
                f"ListConnections calls, {lookups} shared lookups among {total}, {latency} ms",
                Spread.exact(calls["shared"]),
                "calls",
                Goal(pages),
                note=f"baseline: {calls['alone']} calls ({lookups} x {pages} pages)",
            ),
            Row(
                f"{lookups} lookups, shared / one listing each, {latency} ms",
                ratios(shared_times, alone_times),
                "x",
            ),
        ]
        figure.details[f"{latency}ms"] = {
            "connections": total,
            "lookups": lookups,
            "list_calls_shared": calls["shared"],
            "list_calls_alone": calls["alone"],
            "shared_seconds": Spread.of(shared_times).to_json(),
            "alone_seconds": Spread.of(alone_times).to_json(),
        }
    aws.clear_client_cache()
    return figure
