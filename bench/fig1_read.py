"""Figure 1: one Read through Pulumi's dynamic provider host, against raw boto3.

The host (``python -m pulumi.dynamic``, what the engine starts) serves a prebuilt ReadRequest
over gRPC, so the measurer's own serialization is not counted (the engine's is Go and quick).
Read makes GetConnection and ListTagsForResource concurrently, so it is compared with both
a bare ``get_connection`` on a warm boto3 client (the limit: one round trip) and the same two
calls one after the other (what a straightforward implementation would do).
"""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from devkit.awsenv import REGION
from devkit.dynamic_host import PROVIDER_KEY, URN, DynamicHost
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider

from .context import BenchContext, log
from .report import Figure, Goal, Row
from .stats import Spread, interleaved_medians, ratios, warm

__all__ = ["run"]

GOAL = Goal(1.3)


def _struct(props: dict[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def _read_request(arn: str) -> Any:
    props = _struct({"connectionArn": arn, PROVIDER_KEY: serialize_provider(ConnectionProvider())})
    return provider_pb2.ReadRequest(id=arn, urn=URN, properties=props, inputs=props)


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        1,
        "one Read through the dynamic provider host (gRPC)",
        "raw boto3 on a warm client: bare get_connection, and get_connection + "
        "list_tags_for_resource one after the other (the calls Read makes, concurrently)",
    )
    ctx.fresh()
    arn = ctx.emulator.create_connection("bench-read", tags={"team": "platform"})
    client = boto3.session.Session().client("codestar-connections", region_name=REGION)
    host = DynamicHost(ctx.env)
    try:
        request = _read_request(arn)
        answer = host.stub.Read(request)
        if answer.id != arn:
            raise RuntimeError(f"the host's Read answered id {answer.id!r}, not {arn!r}")

        def via_host() -> None:
            host.stub.Read(request)

        def bare() -> None:
            client.get_connection(ConnectionArn=arn)

        def sequential() -> None:
            client.get_connection(ConnectionArn=arn)
            client.list_tags_for_resource(ResourceArn=arn)

        actions = [("host", via_host), ("bare", bare), ("sequential", sequential)]
        for latency in ctx.latencies_ms:
            calls = (5 if latency else 8) if ctx.quick else (15 if latency else 40)
            with ctx.latency(latency):
                warm(actions)
                subject: list[float] = []
                bare_runs: list[float] = []
                sequential_runs: list[float] = []
                for repeat in range(ctx.repeats):
                    medians = interleaved_medians(actions, calls)
                    subject.append(medians["host"])
                    bare_runs.append(medians["bare"])
                    sequential_runs.append(medians["sequential"])
                    log(
                        f"fig 1, {latency} ms, run {repeat + 1}: host "
                        f"{subject[-1] * 1e3:.2f} ms, bare {bare_runs[-1] * 1e3:.2f} ms, "
                        f"sequential {sequential_runs[-1] * 1e3:.2f} ms"
                    )
            figure.rows += [
                Row(
                    f"Read via host / bare get_connection, {latency} ms latency",
                    ratios(subject, bare_runs),
                    "x",
                    GOAL,
                ),
                Row(
                    f"Read via host / get_connection + list_tags sequential, {latency} ms",
                    ratios(subject, sequential_runs),
                    "x",
                    GOAL,
                ),
            ]
            figure.details[f"{latency}ms"] = {
                "calls_per_run": calls,
                "read_via_host_seconds": Spread.of(subject).to_json(),
                "bare_get_connection_seconds": Spread.of(bare_runs).to_json(),
                "sequential_get_and_tags_seconds": Spread.of(sequential_runs).to_json(),
            }
    finally:
        host.close()
    return figure
