"""Render the inventory report (``codestar-connection inventory``'s JSON document) as one HTML page.

The page is self-contained and offline: inline CSS, inline JS, an inline SVG chart, no URL it
would load, and a Content-Security-Policy that forbids every load and lets only this module's own
script and style (by hash) run. The header, the summary chart and the Failures and Skipped tables
are rendered here, so they show without JavaScript; the connections table is built in the
browser from the embedded JSON, in one ``innerHTML`` pass of at most :data:`TABLE_ROWS` rows
(a "Show all" button puts in the rest), and is sorted by any column and filtered by text and
status over every row. Every value from the report is escaped: tag values are user data and may
hold ``</script>``, quotes or anything else.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

__all__ = ["TABLE_ROWS", "TOP_ACCOUNTS", "render_html"]

# The chart shows at most this many accounts: those with the most connections not AVAILABLE.
TOP_ACCOUNTS = 30
# Rows put in the table at once: laying out 16,000 rows took Chromium seconds after each sort
# or filter (0.2-0.3 s with 1,000), so the rest of a long list waits behind "Show all".
TABLE_ROWS = 1000

# (key in a connection, column header, width in px) of the connections table, in order. Fixed
# widths (table-layout: fixed) keep the layout of 16,000 rows from measuring every cell: with
# automatic layout Chromium took seconds after each sort.
_COLUMNS = (
    ("ConnectionName", "Name", 200),
    ("ConnectionStatus", "Status", 110),
    ("ProviderType", "Provider", 170),
    ("AccountId", "Account", 120),
    ("Region", "Region", 120),
    ("Service", "Service", 165),
    ("OwnerAccountId", "Owner", 120),
    ("Tags", "Tags", 200),
    ("ConnectionArn", "ARN", 260),
    ("HostArn", "Host", 200),
)
_KNOWN_STATUSES = ("AVAILABLE", "PENDING", "ERROR")

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 24px 24px;color:#1f2328}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:17px;margin:16px 0 6px}
.meta{color:#59636e;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0}
.cards div{border:1px solid #d1d9e0;border-radius:6px;padding:6px 12px;min-width:90px}
.cards dt{color:#59636e;font-size:12px}.cards dd{margin:0;font-size:18px;font-weight:600}
.alert{border:2px solid #cf222e;background:#ffebe9;border-radius:6px;padding:8px 12px;margin:12px 0}
.charts{display:flex;flex-wrap:wrap;gap:24px}.charts figure{margin:0;max-width:540px}
.charts figcaption{font-weight:600;margin-bottom:4px}
.note{color:#59636e;font-size:12px;font-weight:400}
.chart text{font-size:10.5px;fill:#1f2328}.chart .n{fill:#59636e}
.legend{list-style:none;display:flex;gap:12px;padding:0;margin:4px 0}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;background:var(--c)}
.st-available{--c:#2da44e;--bg:#dafbe1;--fg:#116329}.st-pending{--c:#d4a72c;--bg:#fff8c5;--fg:#7d4e00}
.st-error{--c:#cf222e;--bg:#ffebe9;--fg:#a40e26}.st-other{--c:#8c959f;--bg:#eaeef2;--fg:#424a53}
rect.seg{fill:var(--c)}.pill{background:var(--bg);color:var(--fg);border:1px solid var(--c);
border-radius:10px;padding:0 7px;font-size:12px;font-weight:600;white-space:nowrap}
table{border-collapse:collapse;font-size:13px;margin-bottom:8px}caption{text-align:left}
th,td{border-bottom:1px solid #d1d9e0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
th button{font:inherit;font-weight:600;border:0;background:none;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
#connections{table-layout:fixed}#connections td{overflow-wrap:anywhere}
#connections td.arn{font:11px ui-monospace,monospace}
.failures{border-left:4px solid #cf222e;padding-left:12px}
#failures td:nth-child(-n+3),#skipped td{white-space:nowrap}
.controls{display:flex;gap:12px;align-items:center;margin:8px 0}
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var LIMIT = data.limit;
  var rows = data.rows, statusCol = 1, cellClass = {8: "arn", 9: "arn"};
  var classes = {AVAILABLE: "st-available", PENDING: "st-pending", ERROR: "st-error"};
  var table = document.getElementById("connections"), tbody = table.tBodies[0];
  var filter = document.getElementById("filter"), status = document.getElementById("status");
  var shown = document.getElementById("shown"), more = document.getElementById("more");
  var heads = table.querySelectorAll("thead th"), limit = LIMIT;
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  var sortCol = -1, sortDir = 1, timer = 0;
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function num(n) { return n.toLocaleString("en-US"); }
  var html = [];  // each row's markup, made when first shown
  function rowHtml(i) {
    return html[i] || (html[i] = "<tr>" + rows[i].map(function (v, c) {
      if (c === statusCol) {
        var cls = classes[v] || "st-other";
        return '<td><span class="pill ' + cls + '">' + esc(v) + "</span></td>";
      }
      return (cellClass[c] ? '<td class="' + cellClass[c] + '">' : "<td>") + esc(v) + "</td>";
    }).join("") + "</tr>");
  }
  var hay = rows.map(function (r) { return r.join("\\n").toLowerCase(); });
  var order = rows.map(function (_, i) { return i; });
  function render() {
    var q = filter.value.trim().toLowerCase(), st = status.value, out = [], n = 0;
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      if ((st && rows[i][statusCol] !== st) || (q && hay[i].indexOf(q) < 0)) continue;
      if (n++ < limit) out.push(rowHtml(i));
    }
    tbody.innerHTML = out.join("");
    shown.textContent = n > out.length
      ? "the first " + num(out.length) + " of " + num(n) + " matching connections shown"
      : num(n) + " of " + num(rows.length) + " connections shown";
    more.hidden = n <= out.length;
    more.textContent = "Show all " + num(n);
  }
  function fresh() { limit = LIMIT; render(); }
  function sortBy(c) {
    sortDir = sortCol === c ? -sortDir : 1;
    sortCol = c;
    order.sort(function (a, b) {
      return sortDir * collator.compare(rows[a][c], rows[b][c]) || a - b;
    });
    var dir = sortDir > 0 ? "ascending" : "descending";
    for (var j = 0; j < heads.length; j++) {
      heads[j].setAttribute("aria-sort", j === c ? dir : "none");
    }
    fresh();
  }
  Array.prototype.forEach.call(heads, function (th, c) {
    th.querySelector("button").addEventListener("click", function () { sortBy(c); });
  });
  filter.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fresh, 120);
  });
  status.addEventListener("change", fresh);
  more.addEventListener("click", function () { limit = Infinity; render(); });
  render();
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


_CSP = (
    f"default-src 'none'; script-src '{_sha256(_JS)}'; style-src '{_sha256(_CSS)}'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _e(value: Any) -> str:
    """``value`` as escaped HTML text (None: empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def _text(value: Any) -> str:
    """A cell's text: tags as ``key=value`` pairs (a map, or AWS's list of Key/Value)."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0])))
    if isinstance(value, list):
        pairs = (t for t in value if isinstance(t, Mapping))
        return ", ".join(f"{t.get('Key', '')}={t.get('Value', '')}" for t in pairs)
    return str(value)


def _embedded_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` at all."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _records(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = document.get(key)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _status_class(status: str) -> str:
    return f"st-{status.lower()}" if status in _KNOWN_STATUSES else "st-other"


def _status(connection: Mapping[str, Any]) -> str:
    return _text(connection.get("ConnectionStatus")) or "(none)"


def _ordered(statuses: Counter[str]) -> list[str]:
    others = sorted(s for s in statuses if s not in _KNOWN_STATUSES)
    return [*(s for s in _KNOWN_STATUSES if s in statuses), *others]


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return ""
    minutes, rest = divmod(float(seconds), 60)
    return f"{int(minutes)} min {rest:.0f} s" if minutes else f"{rest:.1f} s"


def _chart(
    ident: str, title: str, groups: list[tuple[str, Counter[str]]], statuses: list[str]
) -> str:
    """Horizontal bars, one per group, stacked by status; an inline SVG."""
    label_w, bar_w, row_h, top = 170, 320, 14, 2
    peak = max((sum(counts.values()) for _, counts in groups), default=0) or 1
    height = top * 2 + row_h * max(len(groups), 1)
    width = label_w + bar_w + 50
    parts = [
        f'<svg class="chart" id="{ident}" role="img" aria-labelledby="{ident}-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{ident}-title">{_e(title)}</title>',
    ]
    if not groups:
        parts.append(f'<text x="4" y="{top + 14}">No connections.</text>')
    for i, (name, counts) in enumerate(groups):
        y = top + i * row_h
        label = name or "(none)"
        short = label if len(label) <= 26 else label[:25] + "\u2026"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end">{_e(short)}'
            f"<title>{_e(label)}</title></text>"
        )
        x = float(label_w)
        for status in statuses:
            n = counts.get(status, 0)
            if n:
                w = n / peak * bar_w
                parts.append(
                    f'<rect class="seg {_status_class(status)}" x="{x:.1f}" y="{y + 2}" '
                    f'width="{max(w, 1):.1f}" height="{row_h - 3}">'
                    f"<title>{_e(label)}: {n} {_e(status)}</title></rect>"
                )
                x += w
        parts.append(f'<text class="n" x="{x + 4:.1f}" y="{y + 11}">{counts.total():,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(caption: str, records: list[Mapping[str, Any]], keys: tuple[str, ...]) -> str:
    head = "".join(f'<th scope="col">{_e(k)}</th>' for k in keys)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(_text(r.get(k)))}</td>" for k in keys) + "</tr>" for r in records
    )
    return (
        f"<table><caption>{_e(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def render_html(document: Mapping[str, Any]) -> str:
    """The inventory report ``document`` as one self-contained HTML page (UTF-8 text)."""
    connections = _records(document, "Connections")
    failures = _records(document, "Failures")
    skipped = _records(document, "Skipped")
    raw_summary = document.get("Summary")
    summary: Mapping[str, Any] = raw_summary if isinstance(raw_summary, Mapping) else {}

    by_status: Counter[str] = Counter(_status(c) for c in connections)
    by_account: dict[str, Counter[str]] = {}
    by_provider: dict[str, Counter[str]] = {}
    for c in connections:
        status = _status(c)
        by_account.setdefault(_text(c.get("AccountId")), Counter())[status] += 1
        by_provider.setdefault(_text(c.get("ProviderType")), Counter())[status] += 1
    statuses = _ordered(by_status)

    def worst(item: tuple[str, Counter[str]]) -> tuple[int, int, str]:
        counts = item[1]
        return (-(counts.total() - counts["AVAILABLE"]), -counts.total(), item[0])

    accounts = sorted(by_account.items(), key=worst)
    hidden = len(accounts) - TOP_ACCOUNTS
    accounts_note = (
        f"The {TOP_ACCOUNTS} accounts with the most connections not AVAILABLE; "
        f"{hidden} more account{'s' if hidden != 1 else ''} not shown."
        if hidden > 0
        else f"All {len(accounts)} accounts."
    )
    providers = sorted(by_provider.items(), key=lambda item: (-item[1].total(), item[0]))

    def number(key: str, fallback: int | None = None) -> str:
        value = summary.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return "&mdash;" if fallback is None else f"{fallback:,}"

    cards = [
        ("Accounts", number("Accounts", len(by_account))),
        ("Regions", number("Regions", len({_text(c.get("Region")) for c in connections}))),
        ("Pairs", number("Pairs")),
        ("Read", number("Read")),
        ("Failed", number("Failed", len(failures))),
        ("Skipped", number("Skipped", len(skipped))),
        ("Connections", number("Connections", len(connections))),
        ("Attempts", number("Attempts")),
        ("Time taken", _e(_duration(summary.get("Seconds"))) or "&mdash;"),
    ]
    if summary.get("SkippedAccounts"):
        cards.append(("Skipped accounts", number("SkippedAccounts")))
    if summary.get("Shard"):
        cards.append(("Shard", _e(summary["Shard"])))
    required = summary.get("RequiredStatuses")
    if isinstance(required, list) and required:
        cards.append(("Required statuses", ", ".join(_e(s) for s in required)))
        cards.append(("Not as required", number("NotAsRequired")))
    cards_html = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in cards)
    legend = "".join(
        f'<li><span class="sw {_status_class(s)}"></span>{_e(s)} {by_status[s]:,}</li>'
        for s in statuses
    )
    # A pair may fail more than once (its listing, or several tag reads): count pairs.
    failed_pairs = len({(f.get("AccountId"), f.get("Region")) for f in failures})
    alert = (
        f'<p class="alert" role="alert"><strong>{failed_pairs:,} account/region '
        f"pair{'s' if failed_pairs != 1 else ''} could not be read completely</strong>: their "
        "connections may be missing or lack tags in this report. See "
        '<a href="#failures">Failures</a>.</p>'
        if failures
        else ""
    )
    failures_html = (
        _table(
            "Pairs that could not be read",
            failures,
            ("AccountId", "Region", "Error", "Message", "Attempts"),
        )
        if failures
        else "<p>None: every pair that was tried was read.</p>"
    )
    skipped_html = (
        _table(
            "Pairs not tried (a missing region: the whole account)",
            [{**s, "Region": s.get("Region") or "(every region)"} for s in skipped],
            ("AccountId", "Region", "Reason"),
        )
        if skipped
        else "<p>None.</p>"
    )
    options = "".join(
        f'<option value="{_e(s)}">{_e(s)} ({by_status[s]:,})</option>' for s in statuses
    )
    heads = "".join(
        f'<th scope="col" aria-sort="none"><button type="button">{label}</button></th>'
        for _, label, _ in _COLUMNS
    )
    cols = "".join(f'<col width="{width}">' for _, _, width in _COLUMNS)
    table_width = sum(width for _, _, width in _COLUMNS)
    rows = [
        [_status(c) if key == "ConnectionStatus" else _text(c.get(key)) for key, _, _ in _COLUMNS]
        for c in connections
    ]
    data = _embedded_json({"rows": rows, "limit": TABLE_ROWS})
    generated = _e(summary.get("FinishedAt") or summary.get("StartedAt") or "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CodeStar connections inventory</title>
<style>{_CSS}</style></head>
<body>
<header><h1>CodeStar connections inventory</h1>
<p class="meta">Generated at {generated or "an unknown time"};
started {_e(summary.get("StartedAt")) or "at an unknown time"}.</p>
<dl class="cards">{cards_html}</dl></header>
{alert}
<section aria-labelledby="chart-heading"><h2 id="chart-heading">Connection status</h2>
<ul class="legend">{legend}</ul>
<div class="charts">
<figure><figcaption>By account<br><span class="note">{_e(accounts_note)}</span></figcaption>
{_chart("chart-accounts", "Connections by account and status", accounts[:TOP_ACCOUNTS], statuses)}
</figure>
<figure><figcaption>By provider type<br><span class="note">All types.</span></figcaption>
{_chart("chart-providers", "Connections by provider type and status", providers, statuses)}</figure>
</div></section>
<section id="failures" class="{"failures" if failures else ""}">
<h2>Failures ({len(failures)})</h2>{failures_html}</section>
<section id="skipped"><h2>Skipped ({len(skipped)})</h2>{skipped_html}</section>
<section aria-labelledby="connections-heading">
<h2 id="connections-heading">Connections ({len(rows):,})</h2>
<div class="controls">
<label>Filter <input type="search" id="filter" placeholder="name, account, tag&hellip;"></label>
<label>Status <select id="status"><option value="">All</option>{options}</select></label>
<span id="shown" aria-live="polite"></span>
<button type="button" id="more" hidden></button></div>
<noscript><p>The connections table needs JavaScript; the summary, the chart, the failures
and the skipped pairs above do not.</p></noscript>
<table id="connections" width="{table_width}"><colgroup>{cols}</colgroup>
<thead><tr>{heads}</tr></thead><tbody></tbody></table></section>
<script type="application/json" id="report-data">{data}</script>
<script>{_JS}</script>
</body></html>
"""
