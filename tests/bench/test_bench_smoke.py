"""`python -m bench --quick` still runs every figure and writes them all to its JSON.

Benchmarks are not tests: nothing here judges a time or a goal. This only keeps ``bench/`` from
rotting: tiny N, one repeat, the real-engine figures only where .pulumi-bin/pulumi exists, and
the AWS CLI / pulumi-aws baselines only where a full run has already installed their venvs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.__main__ import FIGURES

REPO_ROOT = Path(__file__).resolve().parents[2]
HAS_PULUMI = (REPO_ROOT / ".pulumi-bin" / "pulumi").is_file()
ENGINE_FIGURES = {"2", "3"}


def test_quick_bench_writes_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "results.json"

    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr[-4000:]
    document = json.loads(output.read_text())
    assert document["mode"] == "quick"
    assert set(document["figures"]) == {str(number) for number in FIGURES}
    for number, figure in document["figures"].items():
        skipped = figure["skipped"]
        if number in ENGINE_FIGURES and not HAS_PULUMI:
            assert skipped and "pulumi" in skipped
            continue
        assert skipped is None, f"figure {number} skipped: {skipped}"
        assert figure["rows"], f"figure {number} has no rows"
        for row in figure["rows"]:
            assert row["median"] >= 0 and row["min"] <= row["median"] <= row["max"], row
    assert "measure (subject vs baseline)" in completed.stdout
