"""Plots of a figure's measurements, as SVG files next to the JSON results (matplotlib).

Written byte for byte the same for the same numbers (no date, a fixed id salt), so that a
re-run that measured the same changes nothing in git.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CpuBar", "Series", "cpu_plot", "scaling_plot"]

# Colours a reader can tell apart (matplotlib's default cycle, fixed per label).
_COLOURS = {
    "dynamic provider": "#1f77b4",
    "no-op dynamic provider": "#7f7f7f",
    "plugin": "#2ca02c",
    "no-op plugin": "#bcbd22",
    "AWS CLI loop": "#d62728",
}
_ROLE_COLOURS = {
    "engine (pulumi CLI)": "#7f7f7f",
    "language host": "#c7c7c7",
    "program": "#ff7f0e",
    "provider host (dynamic)": "#1f77b4",
    "provider plugin": "#2ca02c",
    "lookup process (prefetch)": "#17becf",
    "other": "#e377c2",
}


@dataclass(frozen=True, slots=True)
class Series:
    """Seconds by N, for each latency (ms), of one subject."""

    label: str
    seconds: dict[int, dict[int, float]]


@dataclass(frozen=True, slots=True)
class CpuBar:
    """One run: its wall-clock seconds and the CPU seconds of each process role."""

    label: str
    seconds: float
    cpu_by_role: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "seconds": round(self.seconds, 3),
            "cpu_by_role": {role: round(cpu, 3) for role, cpu in self.cpu_by_role.items()},
        }


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "codestar-bench"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return path


def scaling_plot(path: Path, series: Sequence[Series], *, title: str) -> Path:
    """Seconds against N, one panel per latency, log-scaled time (the AWS CLI loop is ~50x)."""
    plt = _pyplot()
    latencies = sorted({latency for one in series for latency in one.seconds})
    figure, axes = plt.subplots(
        1, len(latencies) or 1, figsize=(5.2 * max(1, len(latencies)), 3.8), squeeze=False
    )
    for axis, latency in zip(axes[0], latencies, strict=False):
        for one in series:
            points = sorted(one.seconds.get(latency, {}).items())
            if not points:
                continue
            axis.plot(
                [n for n, _ in points],
                [s for _, s in points],
                marker="o",
                label=one.label,
                color=_COLOURS.get(one.label),
            )
        axis.set_xscale("log")
        axis.set_yscale("log")
        sizes = sorted({n for one in series for n in one.seconds.get(latency, {})})
        axis.set_xticks(sizes, [str(n) for n in sizes])
        axis.minorticks_off()
        axis.set_xlabel("connections (N)")
        axis.set_ylabel("seconds (median)")
        axis.set_title(f"{latency} ms a call")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize="small")
    figure.suptitle(title)
    saved = _save(figure, path)
    plt.close(figure)
    return saved


def cpu_plot(path: Path, bars: Sequence[CpuBar], *, title: str) -> Path:
    """For each run, CPU seconds stacked by process role, and its wall-clock seconds."""
    plt = _pyplot()
    roles = [role for role in _ROLE_COLOURS if any(role in bar.cpu_by_role for bar in bars)]
    figure, axis = plt.subplots(figsize=(8, 0.45 * max(4, len(bars)) + 1.2))
    labels = [bar.label for bar in bars]
    positions = list(range(len(bars)))[::-1]
    left = [0.0] * len(bars)
    for role in roles:
        widths = [bar.cpu_by_role.get(role, 0.0) for bar in bars]
        axis.barh(positions, widths, left=left, color=_ROLE_COLOURS[role], label=role)
        left = [start + width for start, width in zip(left, widths, strict=True)]
    axis.scatter(
        [bar.seconds for bar in bars],
        positions,
        marker="|",
        s=400,
        color="black",
        label="wall clock",
        zorder=3,
    )
    axis.set_yticks(positions, labels)
    axis.set_xlabel("seconds: CPU by process (bars), wall clock (|)")
    axis.grid(True, axis="x", alpha=0.3)
    axis.legend(fontsize="small", loc="lower right")
    axis.set_title(title)
    saved = _save(figure, path)
    plt.close(figure)
    return saved
