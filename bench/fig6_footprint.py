"""Figure 6: what each resource carries in state, and what importing the provider costs.

The dynamic provider is pickled into every resource's ``__provider`` input, so its size is paid
per resource in state. Import times are measured inside fresh interpreters (interpreter start
excluded), the provider in .venv and pulumi-aws in its own venv with the same Pulumi SDK.
"""

from __future__ import annotations

import base64
import statistics
import subprocess
from pathlib import Path

from pulumi.dynamic.dynamic import serialize_provider

from devkit.tools import EXAMPLES
from pulumi_codestar_connections.dynamic.provider import ConnectionProvider

from .context import REPO_ROOT, BenchContext, log
from .report import Figure, Goal, Row
from .stats import Spread, ratios

__all__ = ["IMPORTS", "OURS", "run"]

_TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
# label -> (statement, runs in the pulumi-aws venv, imported before the clock starts)
_SDK = "import pulumi"
OURS = "from pulumi_codestar_connections import Connection"
IMPORTS = {
    OURS: (OURS, False, ""),
    f"{OURS}, Pulumi SDK already loaded": (OURS, False, _SDK),
    "import pulumi_codestar_connections.aws (the CLI's path, no Pulumi SDK)": (
        "import pulumi_codestar_connections.aws",
        False,
        "",
    ),
    "import pulumi (the SDK alone)": ("import pulumi", False, ""),
    "pulumi-aws": ("import pulumi_aws; pulumi_aws.codestarconnections.get_connection", True, ""),
    "pulumi-aws, Pulumi SDK already loaded": (
        "import pulumi_aws; pulumi_aws.codestarconnections.get_connection",
        True,
        _SDK,
    ),
}
# What a program pays on top of the `import pulumi` every Pulumi program makes: ours against
# pulumi-aws's.
_MARGINAL = (f"{OURS}, Pulumi SDK already loaded", "pulumi-aws, Pulumi SDK already loaded")
_BASELINE = "pulumi-aws"


def _import_seconds(python: Path, statement: str, cwd: Path, preload: str = "") -> float:
    completed = subprocess.run(
        [str(python), "-c", f"{preload}\n" + _TIMER.format(statement=statement)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(completed.stdout.strip().splitlines()[-1])


def run(ctx: BenchContext) -> Figure:
    figure = Figure(
        6,
        "pickled __provider bytes per resource; provider import time",
        "pulumi-aws import (its own venv, same Pulumi SDK), codestarconnections module loaded",
    )
    pickled = serialize_provider(ConnectionProvider())
    figure.rows.append(
        Row(
            "pickled __provider in state, per resource",
            Spread.exact(len(pickled)),
            "B",
            Goal(256),
            note=f"{len(base64.b64decode(pickled))} B of dill pickle, base64 in state",
        )
    )
    # The examples' venv: pulumi-aws with the same Pulumi SDK as .venv.
    pulumi_aws = EXAMPLES.ensure(install=ctx.install_tools)
    if pulumi_aws is None:
        figure.details["imports"] = f"skipped: no pulumi-aws venv at {EXAMPLES.venv}"
        return figure
    own = REPO_ROOT / ".venv" / "bin" / "python"
    runs = 1 if ctx.quick else 3
    samples: dict[str, list[float]] = {label: [] for label in IMPORTS}
    # The provider imports from the work tree, pulumi-aws from anywhere else.
    where = {False: (own, REPO_ROOT), True: (pulumi_aws, ctx.scratch)}
    for statement, foreign, _ in () if ctx.quick else IMPORTS.values():  # warm: byte code
        _import_seconds(where[foreign][0], statement, where[foreign][1])
    for repeat in range(ctx.repeats):
        for label, (statement, foreign, preload) in IMPORTS.items():
            python, cwd = where[foreign]
            samples[label].append(
                statistics.median(
                    _import_seconds(python, statement, cwd, preload) for _ in range(runs)
                )
            )
        log(
            f"fig 6, run {repeat + 1}: "
            + ", ".join(f"{label} {values[-1] * 1e3:.0f} ms" for label, values in samples.items())
        )
    for label in IMPORTS:
        if label != _BASELINE and label not in _MARGINAL:
            figure.rows.append(
                Row(
                    f"{label} / pulumi-aws import",
                    ratios(samples[label], samples[_BASELINE]),
                    "x",
                    Goal(0.3)
                    if label == "from pulumi_codestar_connections import Connection"
                    else None,
                )
            )
    ours, theirs = _MARGINAL
    figure.rows.append(
        Row(
            f"on top of `import pulumi`: {OURS} / pulumi-aws import",
            ratios(samples[ours], samples[theirs]),
            "x",
            note="what a program, which imports the Pulumi SDK anyway, pays for each",
        )
    )
    figure.rows.append(
        Row(
            f"on top of `import pulumi`: {OURS}, seconds",
            Spread.of(samples[ours]),
            "s",
        )
    )
    figure.rows.append(
        Row(
            f"{OURS}, seconds (absolute: machine-dependent)",
            Spread.of(samples[OURS]),
            "s",
            Goal(0.3),
        )
    )
    figure.details["import_seconds"] = {
        label: Spread.of(values).to_json() for label, values in samples.items()
    }
    return figure
