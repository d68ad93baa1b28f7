"""Figure 4: the pipeline CLI's ``check``, cold start to exit, against the AWS CLI.

Both are fresh processes doing one GetConnection: ``python -m pulumi_codestar_connections check
ARN --status AVAILABLE`` and its installed entry point ``codestar-connection``, against ``aws
codestar-connections get-connection`` (from its own venv).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from devkit.tools import AWS_CLI

from .context import REPO_ROOT, BenchContext, log
from .report import Figure, Goal, Row
from .stats import Spread, per_call_seconds, ratios

__all__ = ["run"]

GOAL = Goal(0.5)
_FLOOR = "import botocore.session; botocore.session.Session().create_client('codestar-connections')"
_FLOOR_LABEL = "floor: python + import botocore + create client"
_AWS = "aws get-connection"


def _runner(argv: list[str], env: dict[str, str]) -> Callable[[], None]:
    def run_once() -> None:
        subprocess.run(
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )

    return run_once


def _pending(argv: list[str], env: dict[str, str]) -> str | None:
    """Why the CLI cannot be measured yet (None when it answers as documented)."""
    completed = subprocess.run(
        argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode == 0:
        return None
    return f"`{' '.join(argv[1:3])}` exited {completed.returncode}: {completed.stderr[-300:]}"


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        4,
        "CLI `check`, cold start to exit",
        "`aws codestar-connections get-connection` (AWS CLI in its own venv)",
    )
    aws = AWS_CLI.ensure(install=ctx.install_tools)
    if aws is None:
        figure.details["baseline"] = f"skipped: no AWS CLI venv at {AWS_CLI.venv}"
    ctx.emulator.clear_faults()
    arn = ctx.emulator.create_connection("bench-cli")
    bin_dir = REPO_ROOT / ".venv" / "bin"
    subjects = {
        "python -m pulumi_codestar_connections check": [
            str(bin_dir / "python"),
            "-m",
            "pulumi_codestar_connections",
            "check",
            arn,
        ],
        "codestar-connection check": [str(bin_dir / "codestar-connection"), "check", arn],
    }
    for argv in subjects.values():
        argv += ["--status", "AVAILABLE"]
        pending = _pending(argv, ctx.env)  # also the warm-up: byte code compiled
        if pending is not None:
            figure.skipped = f"CLI pending: {pending}"
            return figure
    actions = [(label, _runner(argv, ctx.env)) for label, argv in subjects.items()]
    # The floor of any botocore-based tool: start Python, import botocore, make the client.
    floor = [str(bin_dir / "python"), "-c", _FLOOR]
    actions.append((_FLOOR_LABEL, _runner(floor, ctx.env)))
    if aws is not None:
        baseline = [str(aws), "codestar-connections", "get-connection", "--connection-arn", arn]
        if not ctx.quick:
            _runner(baseline, ctx.env)()  # warm: byte code, page cache
        actions.append((_AWS, _runner(baseline, ctx.env)))
    runs = 1 if ctx.quick else 5
    samples: dict[str, list[float]] = {label: [] for label, _ in actions}
    for repeat in range(ctx.repeats):
        shift = repeat % len(actions)
        for label, action in actions[shift:] + actions[:shift]:
            samples[label].append(per_call_seconds(action, runs))
        log(
            f"fig 4, run {repeat + 1}: "
            + ", ".join(f"{label} {values[-1] * 1e3:.0f} ms" for label, values in samples.items())
        )
    if aws is not None:
        for label in subjects:
            figure.rows.append(
                Row(f"{label} / {_AWS}", ratios(samples[label], samples[_AWS]), "x", GOAL)
            )
        figure.rows.append(
            Row(
                f"{_FLOOR_LABEL} / {_AWS}",
                ratios(samples[_FLOOR_LABEL], samples[_AWS]),
                "x",
                note="no call: what any botocore-based CLI pays before its first request",
            )
        )
    for label in subjects:
        figure.rows.append(
            Row(f"{label} / {_FLOOR_LABEL}", ratios(samples[label], samples[_FLOOR_LABEL]), "x")
        )
    figure.details = {
        "runs_per_repeat": runs,
        "seconds": {label: Spread.of(values).to_json() for label, values in samples.items()},
    }
    return figure
