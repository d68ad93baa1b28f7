"""Turn a JSON document into what the CLI prints: ``json``, ``text``, ``table``, ``csv``, ``html``.

``json`` and ``text`` follow the AWS CLI's formatters so scripts written against
``aws codestar-connections … --output json|text`` (with or without ``--query``) read our output
unchanged: JSON indented by 4 with non-ASCII kept, and text as tab-separated rows whose scalar
columns are sorted by key and prefixed with the enclosing key in capitals (``CONNECTION``).
``table`` is for people: one box, a column per field, statuses in colour on a terminal.
``csv`` is the rows ``table`` would show (an inventory report: its connections), one header
line; nested values as compact JSON. ``html`` is an inventory report's page (report_html.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from typing import Any, TextIO

__all__ = ["OUTPUT_FORMATS", "render", "wants_color"]

OUTPUT_FORMATS = ("json", "text", "table", "csv", "html")
REPORT_KEYS = ("Connections", "Failures", "Skipped", "Summary")
"""The members of an inventory report (core/inventory.py), which csv, table and html know."""

# ANSI SGR colours per connection status: green when usable, yellow while the handshake is
# pending, red when the app lost access.
_STATUS_COLORS = {"AVAILABLE": "32", "PENDING": "33", "ERROR": "31"}


def wants_color(stream: TextIO, *, no_color_flag: bool) -> bool:
    """Colour only on a terminal, and never with ``--no-color`` or a non-empty NO_COLOR."""
    if no_color_flag or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(document: Any, output: str, *, color: bool = False) -> str:
    """The text to print for ``document`` in format ``output`` (ends with a newline, or empty)."""
    if output == "json":
        return _render_json(document)
    if output == "text":
        lines: list[str] = []
        _text(document, lines)
        return "".join(f"{line}\n" for line in lines)
    if output == "table":
        if is_report(document):
            return _render_report_table(document, color=color)
        return _render_table(document, color=color)
    if output == "csv":
        return _render_csv(document)
    if output == "html":
        if not is_report(document):
            raise ValueError("--output html prints an inventory report (without --query)")
        from .report_html import render_html

        return render_html(document)
    raise ValueError(f"unknown output format {output!r}")


def is_report(document: Any) -> bool:
    return isinstance(document, dict) and all(key in document for key in REPORT_KEYS)


def _render_json(document: Any) -> str:
    # The AWS CLI prints nothing for an empty object (a response without a body).
    if document == {}:
        return ""
    return json.dumps(document, indent=4, ensure_ascii=False) + "\n"


# -- text: the AWS CLI's algorithm (awscli/text.py), re-stated ----------------------------------


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _text(item: Any, lines: list[str], identifier: str | None = None, keys: Any = None) -> None:
    if isinstance(item, dict):
        _text_dict(item, lines, identifier, keys)
    elif isinstance(item, list):
        _text_list(item, lines, identifier)
    else:
        lines.append(str(item))


def _text_list(items: list[Any], lines: list[str], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(element, dict) for element in items):
        # Rows of one list share their columns: every scalar key seen in any row, sorted.
        keys = sorted(
            {k for e in items if isinstance(e, dict) for k, v in e.items() if _is_scalar(v)}
        )
        for element in items:
            _text(element, lines, identifier, keys)
        return
    scalars = [element for element in items if _is_scalar(element)]
    if scalars:
        if identifier is None:
            lines.append("\t".join(str(element) for element in scalars))
        else:
            lines.extend(f"{identifier.upper()}\t{element}" for element in scalars)
    for element in items:
        if not _is_scalar(element):
            _text(element, lines, identifier)


def _text_dict(
    item: dict[str, Any], lines: list[str], identifier: str | None, keys: list[str] | None
) -> None:
    if keys is None:
        ordered = sorted(item.items())
        scalars = [str(value) for _, value in ordered if _is_scalar(value)]
        nested = [(key, value) for key, value in ordered if not _is_scalar(value)]
    else:
        scalars = [str(item.get(key, "")) for key in keys]
        nested = [(key, item[key]) for key in sorted(set(item) - set(keys))]
    if scalars:
        lines.append("\t".join([identifier.upper(), *scalars] if identifier else scalars))
    for key, value in nested:
        _text(value, lines, key)


# -- table: for people ---------------------------------------------------------------------------


def _render_table(document: Any, *, color: bool) -> str:
    title, rows, vertical = _table_rows(document)
    if not rows:
        return f"{title}: none\n" if title else ""
    if vertical:
        # One record: a field per line reads better than a 6-column row 150 characters wide.
        record = rows[0]
        grid = [["Field", "Value"], *([key, _cell(value)] for key, value in record.items())]
        status_cells = {(i + 1, 1) for i, key in enumerate(record) if _is_status_key(key)}
    else:
        columns: list[str] = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        grid = [columns, *([_cell(row.get(key, "")) for key in columns] for row in rows)]
        status_cells = {
            (r, c)
            for r in range(1, len(grid))
            for c, key in enumerate(columns)
            if _is_status_key(key)
        }
    widths = [max(len(line[c]) for line in grid) for c in range(len(grid[0]))]
    rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"
    out = [title] if title else []
    out.append(rule)
    for r, line in enumerate(grid):
        cells = []
        for c, value in enumerate(line):
            padded = value.ljust(widths[c])
            if color and (r, c) in status_cells and value in _STATUS_COLORS:
                padded = f"\x1b[{_STATUS_COLORS[value]}m{value}\x1b[0m" + " " * (
                    widths[c] - len(value)
                )
            cells.append(f" {padded} ")
        out.append("|" + "|".join(cells) + "|")
        if r == 0:
            out.append(rule)
    out.append(rule)
    return "".join(f"{line}\n" for line in out)


def _table_rows(document: Any) -> tuple[str | None, list[dict[str, Any]], bool]:
    """(title, rows, one-record-shown-vertically) for any document a --query may produce."""
    title: str | None = None
    if isinstance(document, dict) and len(document) == 1:
        [(title, inner)] = document.items()
        if isinstance(inner, dict | list):
            document = inner
        else:
            title = None
    if isinstance(document, dict):
        return title, [document], True
    if isinstance(document, list):
        if all(isinstance(element, dict) for element in document):
            return title, list(document), False
        return title, [{"Value": element} for element in document], False
    return title, [{"Value": document}], False


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(_is_scalar(element) for element in value):
        return ", ".join(str(element) for element in value)
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _is_status_key(key: str) -> bool:
    return key.endswith("Status")


# -- inventory reports and csv ------------------------------------------------------------------

_REPORT_COLUMNS = (
    "AccountId",
    "Region",
    "ConnectionName",
    "ConnectionStatus",
    "ProviderType",
    "ConnectionArn",
)


def _render_report_table(document: dict[str, Any], *, color: bool) -> str:
    summary = document["Summary"]
    head = (
        f"{summary.get('Connections', 0)} connection(s) in {summary.get('Accounts', 0)} "
        f"account(s) x {summary.get('Regions', 0)} region(s): {summary.get('Read', 0)} pair(s) "
        f"read, {summary.get('Failed', 0)} failed, {summary.get('Skipped', 0)} skipped"
    )
    rows = [{key: row.get(key) for key in _REPORT_COLUMNS} for row in document["Connections"]]
    parts = [head + "\n", _render_table({"Connections": rows}, color=color)]
    for key in ("Failures", "Skipped"):
        if document[key]:
            parts.append(_render_table({key: document[key]}, color=color))
    return "".join(parts)


def _render_csv(document: Any) -> str:
    if is_report(document):
        document = {"Connections": document["Connections"]}
    _, rows, _ = _table_rows(document)
    if not rows:
        return ""
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    buffer = io.StringIO()
    # RFC 4180 line ends; every field is text, so spreadsheets do not reinterpret ids.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in columns])
    return buffer.getvalue()
