"""Figure 9: the org-wide inventory at scale, against a naive AWS CLI loop.

An organization of 200 member accounts x 16 regions = 3,200 (account, region) pairs, ~16,000
connections (5 per pair), every AWS call 50 ms slower (quick mode: 8 accounts x 4 regions).
``codestar-connection inventory --organization --role-name … --regions …`` runs as a process
of its own; its wall time and peak memory (the child's ru_maxrss) are measured.

The baseline is what a shell script with the AWS CLI does: per account ``aws sts
assume-role``, then per region ``aws codestar-connections list-connections``, one after the
other. It is timed on a sample of accounts and scaled to the whole organization (its time is
linear in the pairs: nothing overlaps); a second estimate adds ``list-tags-for-resource`` per
connection, which the inventory also reads (the report's Tags), for a like-for-like ratio.

Then the same inventory with 20 % of every call throttled: every pair must end read, failed
or skipped (none lost), and the report says how many HTTP attempts that took.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from devkit.tools import AWS_CLI
from emulator.client import ConnectionSpec

from .context import REPO_ROOT, BenchContext, log
from .proctree import sample_tree
from .report import Figure, Goal, Row
from .stats import Spread

__all__ = ["run"]

GOAL_RATIO = Goal(100, at_most=False)
GOAL_MEMORY_MB = Goal(300)
ROLE = "OrganizationAccountAccessRole"
MANAGEMENT = "123456789012"
_PER_PAIR = 5
_LATENCY_MS = 50
_SAMPLE_ACCOUNTS = 2


@dataclass(frozen=True, slots=True)
class _Run:
    seconds: float
    peak_mb: float
    report: dict[str, Any]
    exit_code: int


def _regions(count: int) -> list[str]:
    """``count`` regions where the service exists and no opt-in is needed."""
    from pulumi_codestar_connections.aws.inventory import service_regions

    opt_in = {"eu-south-1", "af-south-1", "ap-east-1", "me-south-1", "il-central-1"}
    return [region for region in service_regions("aws") if region not in opt_in][:count]


def _seed(ctx: BenchContext, accounts: int, regions: list[str]) -> list[str]:
    emulator = ctx.emulator
    ids = emulator.create_accounts([{"Name": f"member-{n:03d}"} for n in range(accounts)])
    batch: list[ConnectionSpec] = []
    types = ("GitHub", "GitLab", "Bitbucket", "GitHub", "GitHub")
    statuses = ("AVAILABLE",) * 8 + ("PENDING", "ERROR")
    n = 0
    for account in ids:
        for region in regions:
            for k in range(_PER_PAIR):
                batch.append(
                    {
                        "ConnectionName": f"c{k}-{region}",
                        "ProviderType": types[k],
                        "Account": account,
                        "Region": region,
                        "ConnectionStatus": statuses[n % len(statuses)],
                        "Tags": {"team": f"t{n % 7}", "env": "prod"},
                    }
                )
                n += 1
            if len(batch) >= 2000:
                emulator.create_connections(batch)
                batch = []
    if batch:
        emulator.create_connections(batch)
    return ids


def _inventory(ctx: BenchContext, regions: list[str], *extra: str) -> _Run:
    env = {**ctx.env, "AWS_ACCESS_KEY_ID": MANAGEMENT}
    argv = [
        str(REPO_ROOT / ".venv" / "bin" / "python"),
        "-m",
        "pulumi_codestar_connections",
        "inventory",
        "--organization",
        "--role-name",
        ROLE,
        "--regions",
        ",".join(regions),
        "--no-progress",
        "--output",
        "json",
        *extra,
    ]
    out = ctx.scratch / "inventory.json"
    peak_kb = 0
    started = time.perf_counter()
    with out.open("w") as stdout, (ctx.scratch / "inventory.err").open("w+") as stderr:
        process = subprocess.Popen(
            argv, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr
        )
        # The sum over the process and its workers, sampled: each worker's own peak would
        # miss that they run at the same time.
        while process.poll() is None:
            peak_kb = max(peak_kb, sum(sample_tree(process.pid).rss_kb.values()))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        stderr.seek(0)
        errors = stderr.read()
    if process.returncode not in (0, 1, 4):
        raise RuntimeError(f"inventory exited {process.returncode}: {errors[-2000:]!r}")
    report = json.loads(out.read_text())
    return _Run(seconds, peak_kb / 1024, report, process.returncode)


def _naive_sample(
    ctx: BenchContext, aws: str, accounts: list[str], regions: list[str]
) -> tuple[float, float]:
    """Seconds of the AWS CLI loop over ``accounts`` (list only), and of one tags call."""
    base = {**ctx.env, "AWS_ACCESS_KEY_ID": MANAGEMENT}

    def aws_json(args: list[str], env: dict[str, str]) -> Any:
        done = subprocess.run(
            [aws, *args, "--output", "json"], env=env, capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout) if done.stdout.strip() else {}

    started = time.perf_counter()
    some_arn = None
    for account in accounts:
        answer = aws_json(
            [
                "sts",
                "assume-role",
                "--role-arn",
                f"arn:aws:iam::{account}:role/{ROLE}",
                "--role-session-name",
                "naive-loop",
            ],
            base,
        )
        credentials = answer["Credentials"]
        env = {
            **base,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
        }
        for region in regions:
            listed = aws_json(["codestar-connections", "list-connections", "--region", region], env)
            if some_arn is None and listed.get("Connections"):
                some_arn = (listed["Connections"][0]["ConnectionArn"], dict(env), region)
    loop = time.perf_counter() - started
    assert some_arn is not None, "the sample found no connection"
    arn, env, region = some_arn
    started = time.perf_counter()
    aws_json(
        [
            "codestar-connections",
            "list-tags-for-resource",
            "--resource-arn",
            arn,
            "--region",
            region,
        ],
        env,
    )
    return loop, time.perf_counter() - started


def _pairs_lost(report: dict[str, Any]) -> int:
    summary = report["Summary"]
    accounted = summary["Read"] + summary["Failed"] + summary["Skipped"]
    return int(summary["Pairs"]) - int(accounted)


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        9,
        "org-wide inventory: 200 accounts x 16 regions, 50 ms per call",
        "a naive AWS CLI loop (assume-role, then list-connections per region), sampled",
    )
    accounts, region_count = (8, 4) if ctx.quick else (200, 16)
    regions = _regions(region_count)
    ctx.fresh()
    log(f"fig 9: seeding {accounts} accounts x {len(regions)} regions x {_PER_PAIR}")
    ids = _seed(ctx, accounts, regions)
    seeded = accounts * len(regions) * _PER_PAIR
    aws = AWS_CLI.ensure(install=ctx.install_tools)
    variants = {
        "inventory": (),
        "inventory --processes 1": ("--processes", "1"),
        "inventory --no-tags": ("--no-tags",),
    }
    runs: dict[str, list[_Run]] = {label: [] for label in variants}
    with ctx.latency(_LATENCY_MS):
        for repeat in range(1 if ctx.quick else min(ctx.repeats, 3)):
            for label, flags in variants.items():
                result = _inventory(ctx, regions, *flags)
                runs[label].append(result)
                log(
                    f"fig 9, run {repeat + 1}: {label}: {result.seconds:.1f} s, "
                    f"{result.peak_mb:.0f} MB, {result.report['Summary']['Connections']} "
                    "connections"
                )
        naive: tuple[float, float] | None = None
        if aws is not None:
            naive = _naive_sample(ctx, str(aws), ids[:_SAMPLE_ACCOUNTS], regions)
            log(f"fig 9: naive loop over {_SAMPLE_ACCOUNTS} accounts {naive[0]:.1f} s")
    main = runs["inventory"]
    found = main[-1].report["Summary"]["Connections"]
    for label, results in runs.items():
        figure.rows.append(Row(f"{label}: wall time", Spread.of([r.seconds for r in results]), "s"))
        figure.rows.append(
            Row(
                f"{label}: peak memory (all processes)",
                Spread.of([r.peak_mb for r in results]),
                "MB",
                GOAL_MEMORY_MB,
            )
        )
    figure.rows.append(
        Row("connections found / seeded", Spread.exact(found / seeded), "x", Goal(1, at_most=False))
    )
    if naive is not None:
        loop, tags_call = naive
        naive_total = loop * accounts / _SAMPLE_ACCOUNTS
        with_tags = naive_total + tags_call * seeded
        for label, results in runs.items():
            figure.rows.append(
                Row(
                    f"naive AWS CLI loop (scaled) / {label}",
                    Spread.of([naive_total / r.seconds for r in results]),
                    "x",
                    GOAL_RATIO,
                    note=f"loop ~{naive_total:.0f} s for {accounts * len(regions)} pairs, no tags",
                )
            )
        figure.rows.append(
            Row(
                "naive loop + list-tags-for-resource (scaled) / inventory",
                Spread.of([with_tags / r.seconds for r in main]),
                "x",
                GOAL_RATIO,
                note=f"like for like: tags of {seeded} connections too, ~{with_tags:.0f} s",
            )
        )
    else:
        figure.details["baseline"] = f"skipped: no AWS CLI venv at {AWS_CLI.venv}"
    # Throttling: 20 % of every call answered ThrottlingException, still 50 ms each.
    ctx.emulator.clear_faults()
    ctx.emulator.add_fault(
        "*",
        error_code="ThrottlingException",
        http_status=400,
        count=-1,
        probability=0.2,
        seed=9,
        latency_ms=_LATENCY_MS,
    )
    ctx.emulator.add_fault("*", latency_ms=_LATENCY_MS, count=-1)
    try:
        throttled = _inventory(ctx, regions)
    finally:
        ctx.emulator.clear_faults()
    summary = throttled.report["Summary"]
    calls = len(ids) + accounts * len(regions) + seeded + accounts // 20 + 2
    figure.rows.append(
        Row("throttled 20 %: pairs lost", Spread.exact(_pairs_lost(throttled.report)), "", Goal(0))
    )
    figure.rows.append(
        Row(
            "throttled 20 %: attempts / calls",
            Spread.exact(summary["Attempts"] / calls),
            "x",
            note=(
                f"{summary['Attempts']} attempts, {summary['Failed']} pair(s) failed, "
                f"{summary['Connections']} of {seeded} connections, {throttled.seconds:.1f} s"
            ),
        )
    )
    figure.details = {
        "accounts": accounts,
        "regions": regions,
        "connections_seeded": seeded,
        "seconds": {label: [r.seconds for r in results] for label, results in runs.items()},
        "peak_mb": {label: [r.peak_mb for r in results] for label, results in runs.items()},
        "naive_sample_seconds": None if naive is None else naive[0],
        "naive_sample_accounts": _SAMPLE_ACCOUNTS,
        "tags_call_seconds": None if naive is None else naive[1],
        "throttled": {k: summary[k] for k in ("Pairs", "Read", "Failed", "Skipped", "Attempts")},
        "throttled_seconds": throttled.seconds,
        "python": sys.version.split()[0],
    }
    return figure
