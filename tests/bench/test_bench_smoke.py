"""`python -m bench --quick` still runs every figure, with its baselines, and writes them all.

Benchmarks are not tests: nothing here judges a time or a goal. This only keeps ``bench/`` from
rotting: tiny N, one repeat. The tools the figures compare against (the Pulumi CLI, the AWS CLI,
pulumi-aws) come from the fixtures that make them when they are missing, so every figure and
every baseline runs, on a new machine too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import FIGURES
from devkit.pulumi_cli import PulumiCLI

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.cold_cache
def test_quick_bench_writes_every_figure_with_its_baselines(
    tmp_path: Path, langhost_cli: PulumiCLI, aws_cli: Path, examples_python: Path
) -> None:
    output = tmp_path / "results.json"

    completed = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "--quick"),
            *("--output", str(output), "--pulumi-bin", str(langhost_cli.bin_dir)),
        ],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=360,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr[-4000:]
    document = json.loads(output.read_text())
    assert document["mode"] == "quick"
    assert set(document["figures"]) == {str(number) for number in FIGURES}
    for number, figure in document["figures"].items():
        assert figure["skipped"] is None, f"figure {number} skipped: {figure['skipped']}"
        assert figure["rows"], f"figure {number} has no rows"
        skipped_parts = {k: v for k, v in figure["details"].items() if "skipped" in str(v)}
        assert not skipped_parts, f"figure {number}: {skipped_parts}"
        for row in figure["rows"]:
            assert row["median"] >= 0 and row["min"] <= row["median"] <= row["max"], row
    assert "measure (subject vs baseline)" in completed.stdout
    # Figure 10's sides with free lookups made the calls they stand for, on every run of each
    # kind and step: none, or the one real lookup's GetConnection and ListTagsForResource (the
    # subject's own count, beside them, stays one GetConnection per resource per run).
    figure_10 = document["figures"]["10"]["details"]
    steps = {k: v for k, v in figure_10.items() if isinstance(v, dict) and "free_lookups" in v}
    assert len(steps) == 6, sorted(figure_10)  # dynamic provider and plugin x 3 steps
    for step, measured in steps.items():
        calls = {
            side: value["aws_calls_per_run"] for side, value in measured["free_lookups"].items()
        }
        assert calls == {"lookups free": 0, "one real lookup, the rest free": 2}, step
        assert measured["calls_per_resource_per_run"]["GetConnection"] == "1", step
    # Figure 10 draws its plots next to the results (marked quick): SVG, with text and axes.
    for plot in ("fig10-preview.quick.svg", "fig10-cpu.quick.svg"):
        drawn = (tmp_path / plot).read_text()
        assert drawn.startswith("<?xml") and "<svg" in drawn and "seconds" in drawn, plot
