"""``python -m bench.markdown [results.json]``: the machine and the table, for RESULTS.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["render_markdown"]

_DEFAULT = Path(__file__).resolve().parent / "results.json"


def _value(number: float, unit: str) -> str:
    text = f"{number:.3g}" if abs(number) < 100 else f"{number:.0f}"
    return f"{text}{unit}" if unit == "x" else f"{text} {unit}"


def render_markdown(document: dict[str, Any]) -> str:
    machine = document["machine"]
    lines = [
        f"Run: {machine['date']}, mode {document['mode']}, {document['repeats']} repeats, "
        f"{document['total_seconds']:.0f} s in all.",
        "",
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['os']}, load average "
        f"at start {machine['load_average_at_start']}; Python {machine['python']}, Pulumi SDK "
        f"{machine['pulumi_sdk']}, Pulumi CLI {machine['pulumi_cli']}, botocore "
        f"{machine['botocore']}.",
        "",
        "| # | measure (subject / baseline) | median | min-max | runs | goal | met | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, figure in document["figures"].items():
        if figure["skipped"]:
            lines.append(f"| {number} | {figure['title']}: skipped ({figure['skipped']}) |||||||")
            continue
        for row in figure["rows"]:
            unit = row["unit"]
            span = (
                ""
                if row["min"] == row["max"]
                else f"{_value(row['min'], unit)} - {_value(row['max'], unit)}"
            )
            met = {None: "", True: "yes", False: "**no**"}[row["met"]]
            goal = f"{row['goal']}{unit if unit == 'x' else ' ' + unit}" if row["goal"] else ""
            lines.append(
                f"| {number} | {row['label']} | {_value(row['median'], unit)} | {span} | "
                f"{row['runs']} | {goal} | {met} | {row['note']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else _DEFAULT
    print(render_markdown(json.loads(source.read_text())))
