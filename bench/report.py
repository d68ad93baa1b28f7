"""What a figure reports (rows of ratios with goals), as a table and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .stats import Spread

__all__ = ["Figure", "Goal", "Row", "render_table"]


@dataclass(frozen=True, slots=True)
class Goal:
    """``value ≤ bound`` (``at_most``) or ``value ≥ bound``, judged on the median."""

    bound: float
    at_most: bool = True

    def met(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound

    def __str__(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {_number(self.bound)}"


@dataclass(frozen=True, slots=True)
class Row:
    """One measured quantity of a figure: ``subject`` against ``baseline`` in ``unit``."""

    label: str
    value: Spread
    unit: str
    goal: Goal | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.goal.met(self.value.median)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit": self.unit,
            **self.value.to_json(),
            "goal": None if self.goal is None else str(self.goal),
            "met": self.met,
            "note": self.note,
        }


@dataclass
class Figure:
    """A numbered benchmark figure: its baseline, its rows, or why it was skipped."""

    number: int
    title: str
    baseline: str
    rows: list[Row] = field(default_factory=list)
    skipped: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "baseline": self.baseline,
            "skipped": self.skipped,
            "rows": [row.to_json() for row in self.rows],
            "details": self.details,
        }


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 1:
        return str(int(value))
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 0.1 else f"{value:.2f}"


def _cells(figure: Figure, row: Row) -> list[str]:
    spread = row.value
    unit = row.unit
    joiner = "" if unit == "x" else " "
    if spread.runs == 1 or spread.low == spread.high:
        span = ""
    else:
        span = f"{_number(spread.low)}-{_number(spread.high)}"
    verdict = {None: "", True: "ok", False: "MISSED"}[row.met]
    goal = "" if row.goal is None else f"{row.goal}{joiner}{unit}"
    return [
        str(figure.number),
        row.label,
        f"{_number(spread.median)}{joiner}{unit}",
        span,
        str(spread.runs),
        goal,
        verdict,
        row.note,
    ]


def render_table(figures: list[Figure]) -> str:
    """A plain-text table: one line per row, skipped figures with their reason."""
    header = ["#", "measure (subject vs baseline)", "median", "min-max", "runs", "goal", "", "note"]
    lines: list[list[str]] = [header]
    for figure in figures:
        if figure.skipped is not None:
            lines.append([str(figure.number), f"{figure.title}: SKIPPED ({figure.skipped})"])
            continue
        lines.extend(_cells(figure, row) for row in figure.rows)
    widths = [
        max(len(line[i]) for line in lines if len(line) == len(header) and i < len(line))
        for i in range(len(header))
    ]
    text = []
    for line in lines:
        if len(line) != len(header):
            text.append("  ".join(line))
            continue
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        text.append("  ".join(cells).rstrip())
    return "\n".join(text)
