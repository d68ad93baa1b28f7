"""Figure 8: the provider plugin ``codestar`` against the dynamic provider.

The project serves the read-only ``Connection`` two ways: the dynamic provider, which figure 3
previews (the repository's program, N connections in stack config), and the provider plugin
(``provider/cmd/pulumi-resource-codestar``, a Python plugin folder the engine starts through the
language host). Two parts:

1. ``pulumi preview`` of a Pulumi YAML program of N ``codestar:Connection`` resources (by ARN,
   written into its Pulumi.yaml; the provider setting ``codestar:connections`` names them, so
   the first lookup starts them all) against the dynamic provider's preview of N connections
   (figure 3's stacks, shared; its stack config names them), by turns within each repeat.
2. One ``getConnection`` invoke over gRPC to the plugin's server, started as the engine starts
   it and configured once, against ``get_connection`` on a warm boto3 client. getConnection is
   the resource's lookup: GetConnection and, concurrently, ListTagsForResource.

Plugins run only under the repository's language host (devkit/pulumi_cli.py says why); under
Pulumi's own the figure is skipped.
"""

from __future__ import annotations

import functools
import importlib
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from devkit.awsenv import REGION
from devkit.pulumi_cli import PULUMI_HOST_RUNS_NO_PLUGINS, REPO_VENV, PulumiCLI
from devkit.sandbox import run_pulumi
from pulumi_codestar_connections.plugin.schema import GET_CONNECTION_TOKEN

from .context import NO_PULUMI, REPO_ROOT, BenchContext, log
from .engine import calls_per_resource, deployed_stack
from .fig3_engine import FULL_SIZES, QUICK_SIZES
from .report import Figure, Goal, Row
from .stats import Spread, interleaved_medians, ratios, seconds, warm

__all__ = ["PACKAGE", "PluginStack", "deployed_plugin_stack", "plugin_folder", "run"]

# google.protobuf ships no type information (see langhost.host for the same import).
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")

PLUGIN_SOURCE = REPO_ROOT / "provider" / "cmd" / "pulumi-resource-codestar"
_STACK = "bench"
PACKAGE = "codestar"
_MAX_REPEATS = 3  # as figure 3: N=200 previews take tens of seconds on two cores
# At 50 ms, getConnection's two calls overlap, so an invoke should cost one round trip plus the
# plugin's own overhead: the bound figure 1 sets for the dynamic provider host's Read (the same
# two calls). At 0 ms there is no round trip to hide the gRPC hop and the second call behind.
_INVOKE_GOAL = Goal(1.3)
# What the plugin folder's __main__.py runs, with the venv PulumiPlugin.yaml names; the engine's
# address first (used only by Construct and Call, which the plugin does not serve).
_SERVER = (str(REPO_VENV / "bin" / "python"), "-m", "pulumi_codestar_connections.plugin")
_ENGINE = "127.0.0.1:1"


def plugin_folder(ctx: BenchContext, source: Path = PLUGIN_SOURCE) -> Path:
    """A plugin folder as a user installs it, its virtualenv the repository's ``.venv``."""
    target = ctx.scratch / "plugin" / source.name
    if not target.exists():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        manifest = target / "PulumiPlugin.yaml"
        text = manifest.read_text()
        if "virtualenv: venv" not in text:
            raise RuntimeError(f"{source / manifest.name} names no `virtualenv: venv`")
        manifest.write_text(text.replace("virtualenv: venv", f"virtualenv: {REPO_VENV}"))
    return target


def _program(package: str, plugin: Path, arns: list[str]) -> str:
    """A Pulumi YAML program looking up ``arns`` as ``<package>:Connection`` resources (JSON
    strings are YAML)."""
    lines = [
        f"name: {package}-bench-plugin",
        "runtime: yaml",
        "packages:",
        f"  {package}: {json.dumps(str(plugin))}",
        "resources:",
    ]
    for index, arn in enumerate(arns):
        lines += [
            f"  connection-{index:04d}:",
            f"    type: {package}:Connection",
            "    properties:",
            f"      connectionArn: {json.dumps(arn)}",
        ]
    return "\n".join(lines) + "\n"


class PluginStack:
    """A Pulumi YAML program of ``arns`` as ``codestar:Connection`` resources, and its stack."""

    def __init__(
        self,
        ctx: BenchContext,
        cli: PulumiCLI,
        plugin: Path,
        arns: list[str],
        *,
        package: str = PACKAGE,
    ) -> None:
        root = ctx.scratch / f"{package}-plugin-n{len(arns)}"
        # A stack of this name from before ctx.fresh() describes connections that are gone.
        shutil.rmtree(root, ignore_errors=True)
        self.arns = arns
        self.cli = cli
        self.env = cli.environment(root / "pulumi", base=ctx.env)
        self.directory = root / "project"
        self.directory.mkdir(parents=True)
        (self.directory / "Pulumi.yaml").write_text(_program(package, plugin, arns))
        self.run("stack", "init", _STACK)
        if package != PACKAGE:
            return  # (bench/floor/pulumi-resource-noop: no settings)
        # The provider's codestar:connections names them, as the dynamic provider's program
        # names its connections in stack config: the first lookup starts them all.
        stack_file = self.directory / f"Pulumi.{_STACK}.yaml"
        existing = stack_file.read_text() if stack_file.exists() else ""
        entries = json.dumps([{"arn": arn} for arn in arns])  # JSON is YAML
        stack_file.write_text(f"{existing.rstrip()}\nconfig:\n  codestar:connections: {entries}\n")

    def run(self, *args: str) -> float:
        """Seconds ``pulumi ARGS`` takes (it must succeed)."""
        return seconds(lambda: run_pulumi(self.cli, self.directory, self.env, args))


def deployed_plugin_stack(
    ctx: BenchContext, cli: PulumiCLI, plugin: Path, size: int
) -> tuple[PluginStack, tuple[int, int]]:
    """A plugin stack of ``size`` fresh connections after ``up --skip-preview``, made once per
    size (figure 10 previews figure 8's).

    Also returns the (GetConnection, ListTagsForResource) calls per resource of that first up.
    """
    cached = ctx.stacks.get((PACKAGE, size))
    if cached is not None:
        stack, first_up = cached
        return stack, first_up
    arns = [ctx.emulator.create_connection(f"bench-plugin-{size}-{i:04d}") for i in range(size)]
    stack = PluginStack(ctx, cli, plugin, arns)
    ctx.emulator.clear_calls()
    stack.run("up", "--yes", "--skip-preview")
    first_up = (
        max(calls_per_resource(ctx.emulator, "GetConnection", arns).values()),
        max(calls_per_resource(ctx.emulator, "ListTagsForResource", arns).values()),
    )
    ctx.stacks[PACKAGE, size] = (stack, first_up)
    return stack, first_up


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        8,
        "the provider plugin against the dynamic provider",
        "the dynamic provider's `pulumi preview` of the same N (figure 3's stacks); "
        "`get_connection` on a warm boto3 client",
    )
    if ctx.pulumi is None:
        figure.skipped = NO_PULUMI
        return figure
    if not ctx.pulumi.runs_plugins:
        figure.skipped = (
            f"the CLI at {ctx.pulumi.bin_dir} has Pulumi's Python host, which runs no Python "
            f"plugin here ({PULUMI_HOST_RUNS_NO_PLUGINS}); use a bin directory laid out by "
            "`scripts/install-pulumi-cli --host langhost`"
        )
        return figure
    _previews(ctx, ctx.pulumi, figure)
    _invokes(ctx, figure)
    return figure


def _previews(ctx: BenchContext, cli: PulumiCLI, figure: Figure) -> None:
    """Part 1: the plugin's preview of N connections against the dynamic provider's."""
    plugin = plugin_folder(ctx)
    sizes = ctx.engine_sizes or (QUICK_SIZES if ctx.quick else FULL_SIZES)
    repeats = min(ctx.repeats, _MAX_REPEATS)
    ctx.emulator.clear_faults()
    for size in sizes:
        dynamic, _ = deployed_stack(ctx, size)  # figure 3's, when it has run
        ours, first_up = deployed_plugin_stack(ctx, cli, plugin, size)
        get, tags = first_up
        log(
            f"fig 8, N={size}: the plugin's first up (--skip-preview) made {get} GetConnection, "
            f"{tags} ListTagsForResource per resource"
        )
        figure.details[f"N={size}, plugin's first up, per resource"] = {
            "GetConnection": get,
            "ListTagsForResource": tags,
        }
        if not ctx.quick:  # warm: byte code, page cache (with --only 8, figure 3 has not)
            ours.run("preview")
            dynamic.run("preview")
        for latency in ctx.latencies_ms:
            sides: tuple[tuple[Callable[[], float], list[float]], ...] = (
                (functools.partial(ours.run, "preview"), []),
                (functools.partial(dynamic.run, "preview"), []),
            )
            ctx.emulator.clear_calls()
            with ctx.latency(latency):
                for repeat in range(repeats):
                    for preview, times in sides[:: 1 if repeat % 2 == 0 else -1]:
                        times.append(preview())
                    log(
                        f"fig 8, N={size}, {latency} ms, run {repeat + 1}: plugin preview "
                        f"{sides[0][1][-1]:.1f} s, dynamic provider preview {sides[1][1][-1]:.1f} s"
                    )
            plugin_times, dynamic_times = sides[0][1], sides[1][1]
            figure.rows.append(
                Row(
                    f"N={size}, {latency} ms: dynamic preview / plugin preview",
                    ratios(dynamic_times, plugin_times),
                    "x",
                    Goal(1, at_most=False),
                    note="how many times faster the plugin's preview is",
                )
            )
            figure.details[f"N={size}, {latency}ms"] = {
                "plugin_preview_seconds": Spread.of(plugin_times).to_json(),
                "dynamic_preview_seconds": Spread.of(dynamic_times).to_json(),
                # The same work on both sides: one lookup per resource per preview.
                "GetConnection_per_resource_per_preview": {
                    "plugin": _per_preview(ctx, ours.arns, repeats),
                    "dynamic": _per_preview(ctx, dynamic.arns, repeats),
                },
            }


def _per_preview(ctx: BenchContext, arns: list[str], previews: int) -> float:
    """GetConnection calls per resource per preview in the call log (the most of any)."""
    return max(calls_per_resource(ctx.emulator, "GetConnection", arns).values()) / previews


@contextmanager
def _plugin_server(ctx: BenchContext) -> Iterator[Any]:
    """A client of the plugin's gRPC server, started as the engine starts it, configured once.

    The server is stopped when the block ends, whatever happens in it.
    """
    log_path = ctx.scratch / "plugin-server.stderr"
    with log_path.open("w") as stderr:
        process = subprocess.Popen(
            [*_SERVER, _ENGINE],
            env=ctx.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            assert process.stdout is not None
            port = process.stdout.readline().strip()  # the engine reads it from there
            if not port.isdigit():
                raise RuntimeError(
                    f"the plugin printed no port ({port!r}); its stderr: "
                    f"{log_path.read_text()[-2000:]}"
                )
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                stub.Configure(provider_pb2.ConfigureRequest(args=_struct({}), acceptSecrets=True))
                yield stub
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _struct(values: dict[str, str]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _invokes(ctx: BenchContext, figure: Figure) -> None:
    """Part 2: one getConnection invoke to the plugin against a warm boto3 get_connection."""
    calls = 5 if ctx.quick else 50
    arn = ctx.emulator.create_connection("bench-plugin-invoke", tags={"team": "platform"})
    client = boto3.session.Session().client(
        "codestar-connections", region_name=REGION, endpoint_url=ctx.env["AWS_ENDPOINT_URL"]
    )
    request = provider_pb2.InvokeRequest(
        tok=GET_CONNECTION_TOKEN, args=_struct({"connectionArn": arn})
    )
    with _plugin_server(ctx) as plugin:
        answer = plugin.Invoke(request)
        found = dict(getattr(answer, "return").items())
        if answer.failures or found.get("connectionArn") != arn:
            raise RuntimeError(f"getConnection answered {found}, failures {list(answer.failures)}")

        def invoke() -> None:
            plugin.Invoke(request)

        def bare() -> None:
            client.get_connection(ConnectionArn=arn)

        actions = (("invoke", invoke), ("boto3", bare))
        for latency in ctx.latencies_ms:
            with ctx.latency(latency):
                warm(actions)
                subject: list[float] = []
                baseline: list[float] = []
                for repeat in range(ctx.repeats):
                    medians = interleaved_medians(actions, calls)  # by turns, as figure 1
                    subject.append(medians["invoke"])
                    baseline.append(medians["boto3"])
                    log(
                        f"fig 8, {latency} ms, run {repeat + 1}: invoke "
                        f"{subject[-1] * 1e3:.2f} ms, boto3 get_connection "
                        f"{baseline[-1] * 1e3:.2f} ms"
                    )
            figure.rows.append(
                Row(
                    f"getConnection invoke / boto3 get_connection, {latency} ms latency",
                    ratios(subject, baseline),
                    "x",
                    _INVOKE_GOAL if latency else None,
                    note="the invoke makes 2 AWS calls (GetConnection, ListTagsForResource "
                    "concurrently), boto3 1; median per call",
                )
            )
            figure.details[f"invoke, {latency}ms"] = {
                "calls_per_run": calls,
                "invoke_seconds": Spread.of(subject).to_json(),
                "boto3_get_connection_seconds": Spread.of(baseline).to_json(),
            }
