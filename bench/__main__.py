"""``python -m bench [--quick] [--only N ...]``: run the figures, print a table, write JSON.

Exit codes: 0 every figure ran (goals missed or not: benchmarks assert nothing about time),
1 a figure failed to run, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from devkit.awsenv import process_aws_env
from devkit.pulumi_cli import PulumiCLI, PulumiUnavailable

from .context import REPO_ROOT, BenchContext, log, running_emulator
from .machine import describe_machine
from .report import Figure, render_table

__all__ = ["FIGURES", "main"]

Runner = Callable[[BenchContext], Figure]


def _figures() -> dict[int, tuple[str, Runner]]:
    # Imported here so that `--help` starts without the Pulumi SDK.
    from . import (
        fig1_read,
        fig2_calls,
        fig3_engine,
        fig4_cli,
        fig5_names,
        fig6_footprint,
        fig7_emulator,
        fig8_plugin,
        fig9_inventory,
        fig10_floor,
    )

    return {
        1: ("one Read through the dynamic provider host", fig1_read.run),
        2: ("GetConnection calls per resource per engine operation", fig2_calls.run),
        3: ("real-engine preview for N connections", fig3_engine.run),
        4: ("CLI check, cold start to exit", fig4_cli.run),
        5: ("name lookups over many connections", fig5_names.run),
        6: ("pickled provider size; import time", fig6_footprint.run),
        7: ("emulator throughput and p99 under concurrency", fig7_emulator.run),
        8: ("the provider plugin against the dynamic provider", fig8_plugin.run),
        9: ("org-wide inventory at scale against an AWS CLI loop", fig9_inventory.run),
        10: ("the real engine against its own floor (no-op providers)", fig10_floor.run),
    }


# In the order they run: 8 and 10 right after 3, so that they use figure 3's stacks (figure
# 2's in quick mode) before figures 5 and 7 reset the emulator (they would be made again).
FIGURES = (1, 2, 3, 8, 10, 4, 5, 6, 7, 9)
DEFAULT_OUTPUT = REPO_ROOT / "bench" / "results.json"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="The benchmarks: ratios against baselines measured in the same run.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke mode: tiny N, one repeat (CI's smoke test)"
    )
    parser.add_argument("--repeats", type=int, help="repeated runs per figure (default 5; quick 1)")
    parser.add_argument(
        "--only", type=int, action="append", choices=FIGURES, metavar="N", help="run figure N only"
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(size) for size in text.split(",")),
        help="figures 3, 8 and 10's connection counts, comma-separated (default 10,50,200)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    parser.add_argument(
        "--pulumi-bin",
        type=Path,
        help="a bin directory laid out by scripts/install-pulumi-cli (default: .pulumi-bin)",
    )
    return parser


def _pulumi(bin_dir: Path | None) -> PulumiCLI | None:
    """The CLI of ``--pulumi-bin``, else .pulumi-bin if it is laid out, else None."""
    if bin_dir is not None:
        return PulumiCLI.at(bin_dir)
    try:
        return PulumiCLI.at(REPO_ROOT / ".pulumi-bin")
    except PulumiUnavailable:
        return None


def _stop(signum: int, frame: FrameType | None) -> None:
    # Unwind, so that the emulator, hosts and scratch directory are cleaned up.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    # Every measured process (ours, the AWS CLI, pulumi-aws) runs as an installed tool does:
    # reading and writing bytecode caches. With PYTHONDONTWRITEBYTECODE inherited (some CI images
    # and this machine set it), a venv installed without compiling recompiles its sources on every
    # start, which doubled the AWS CLI's time here; the figures' warm-up runs write the caches.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    repeats = args.repeats or (1 if args.quick else 5)
    selected = args.only or list(FIGURES)
    try:
        pulumi = _pulumi(args.pulumi_bin)
    except PulumiUnavailable as error:
        print(f"python -m bench: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results: list[Figure] = []
    failed = False
    document = {
        "mode": "quick" if args.quick else "full",
        "repeats": repeats,
        "machine": describe_machine(pulumi),
        "total_seconds": 0.0,
        "figures": {},
    }
    with tempfile.TemporaryDirectory(prefix="codestar-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        with (
            running_emulator(scratch) as (emulator, env),
            process_aws_env(env),
        ):
            ctx = BenchContext(
                quick=args.quick,
                repeats=repeats,
                install_tools=not args.quick,
                latencies_ms=(0, 50),
                scratch=scratch,
                emulator=emulator,
                env=env,
                pulumi=pulumi,
                engine_sizes=args.sizes,
                plots=args.output.resolve().parent,
            )
            runners = _figures()
            for number in selected:
                title, run = runners[number]
                log(f"figure {number}: {title}")
                figure_started = time.perf_counter()
                try:
                    figure = run(ctx)
                except Exception:
                    failed = True
                    figure = Figure(number, title, "", skipped="FAILED, see the traceback")
                    figure.details["traceback"] = traceback.format_exc()
                    traceback.print_exc()
                figure.details["bench_seconds"] = round(time.perf_counter() - figure_started, 1)
                results.append(figure)
                # Written after every figure, so that a long run that breaks keeps what it had.
                document["figures"] = {str(f.number): f.to_json() for f in results}
                document["total_seconds"] = round(time.perf_counter() - started, 1)
                args.output.write_text(json.dumps(document, indent=2) + "\n")
    print(render_table(results))
    print(f"\nwrote {args.output} ({document['total_seconds']} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
