"""Figure 7: the emulator's throughput and tail latency under concurrent GetConnection calls.

C client threads, each on its own keep-alive connection, share a fixed number of requests.
The numbers are printed for what they are (machine-dependent); the ratios are throughput
against one client, the p99 against the p50, and, with 50 ms injected latency, throughput
against the ideal C / 50 ms (how well the emulator overlaps waiting requests).
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass

from devkit.raw_aws import TARGET_PREFIXES, sigv4_authorization

from .context import BenchContext, log
from .report import Figure, Row
from .stats import Spread

__all__ = ["run"]

_SERVICE = "codestar-connections"


@dataclass(frozen=True, slots=True)
class _Load:
    rate: float
    """Answered requests per second."""
    latencies: list[float]
    """Seconds of each answered request."""
    errors: Counter[str]
    """Requests that got no answer (reset, refused), by exception; their client reconnects."""


def _load(url: str, arn: str, clients: int, requests: int) -> _Load:
    """``requests`` GetConnection calls shared by ``clients`` keep-alive connections."""
    parts = urllib.parse.urlsplit(url)
    body = json.dumps({"ConnectionArn": arn}).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"{TARGET_PREFIXES[_SERVICE]}.GetConnection",
        "Authorization": sigv4_authorization(service=_SERVICE),
    }
    remaining = [requests]
    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter[str] = Counter()

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)

    def client() -> None:
        connection = connect()
        mine: list[float] = []
        failed: list[str] = []
        try:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        break
                    remaining[0] -= 1
                start = time.perf_counter()
                try:
                    connection.request("POST", "/", body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    failed.append(type(error).__name__)
                    connection.close()
                    connection = connect()
                    continue
                mine.append(time.perf_counter() - start)
                if response.status != 200:
                    failed.append(f"HTTP {response.status}")
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                errors.update(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _Load(len(latencies) / (time.perf_counter() - start), latencies, errors)


def _p(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def run(ctx: BenchContext) -> Figure:
    figure = Figure(7, "emulator throughput and p99 under concurrency", "one client; ideal overlap")
    ctx.fresh()
    arn = ctx.emulator.create_connection("bench-load")
    levels = (1, 4) if ctx.quick else (1, 4, 16, 64)
    requests = 100 if ctx.quick else 2000
    url = ctx.emulator.url
    _load(url, arn, 2, 20)  # warm
    single: list[float] = []
    for clients in levels:
        throughput: list[float] = []
        tails: list[float] = []
        errors: Counter[str] = Counter()
        for repeat in range(ctx.repeats):
            ctx.emulator.clear_calls()
            load = _load(url, arn, clients, requests)
            p50, p99 = _p(load.latencies, 50), _p(load.latencies, 99)
            throughput.append(load.rate)
            tails.append(p99 / p50)
            errors.update(load.errors)
            log(
                f"fig 7, {clients} clients, run {repeat + 1}: {load.rate:.0f} req/s, "
                f"p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms"
                + (f", unanswered {dict(load.errors)}" if load.errors else "")
            )
            figure.details.setdefault(f"{clients} clients, 0 ms", []).append(
                {"requests_per_second": load.rate, "p50_ms": p50 * 1e3, "p99_ms": p99 * 1e3}
                | {"unanswered": dict(load.errors)}
            )
        if clients == 1:
            single = throughput
        rate = statistics.median(throughput)
        unanswered = sum(errors.values())
        figure.rows += [
            Row(
                f"throughput, {clients} clients / 1 client",
                Spread.of([t / s for t, s in zip(throughput, single, strict=True)]),
                "x",
                note=f"{rate:.0f} req/s",
            ),
            Row(
                f"p99 / p50 latency, {clients} clients",
                Spread.of(tails),
                "x",
                note=(
                    f"{unanswered} of {requests * ctx.repeats} requests unanswered "
                    f"({', '.join(sorted(errors))}), retried on a new connection"
                    if unanswered
                    else ""
                ),
            ),
        ]
    clients, latency_ms = (4, 50) if ctx.quick else (16, 50)
    ideal = clients / (latency_ms / 1000)
    with ctx.latency(latency_ms):
        overlap = [
            _load(url, arn, clients, 40 if ctx.quick else 800).rate / ideal
            for _ in range(ctx.repeats)
        ]
    figure.rows.append(
        Row(
            f"throughput with {latency_ms} ms latency, {clients} clients / ideal {ideal:.0f}/s",
            Spread.of(overlap),
            "x",
            note="1 = every waiting request overlaps",
        )
    )
    ctx.emulator.clear_calls()
    return figure
