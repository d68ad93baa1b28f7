"""The inventory report as HTML (cli/report_html.py): escaping and self-containment from the
markup, then the page itself in a real headless Chromium (Debian's, driven by Playwright), offline.

``CODESTAR_REPORT_SCREENSHOT=/path.png`` makes the screenshot test save a picture of a realistic
report there (README's docs/inventory-report.png is one).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from pulumi_codestar_connections.cli.report_html import TABLE_ROWS, TOP_ACCOUNTS, render_html

PROVIDERS = ("GitHub", "Bitbucket", "GitLab", "GitHubEnterpriseServer")
# Tag values are user data: this one tries to end the data script, run its own, load an image,
# break out of an attribute, and carries an entity and non-ASCII text that must show as typed.
HOSTILE = (
    '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    "' onmouseover='x' &amp; <!-- \u00fcn\u00efc\u00f6d\u00e9 \u2028 https://evil.example/x.js"
)
# The flags the brief asks for: without them Chromium tries the network here and hangs.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _connection(i: int, account: str, region: str, provider: str, status: str) -> dict[str, Any]:
    service = "codeconnections" if i % 3 == 0 else "codestar-connections"
    return {
        "ConnectionName": f"conn-{i}",
        "ConnectionArn": f"arn:aws:{service}:{region}:{account}:connection/{i:08x}-1d2e-4f5a",
        "ProviderType": provider,
        "OwnerAccountId": account,
        "ConnectionStatus": status,
        "AccountId": account,
        "Region": region,
        "Service": service,
        "Tags": {"team": f"team-{i % 5}", "env": "prod" if i % 2 else "dev"},
    }


def big_report(count: int = 2000, accounts: int = 30) -> dict[str, Any]:
    """``count`` connections over ``accounts`` accounts and four provider types; one hostile tag
    value, one failure (with a hostile message) and one skipped pair."""
    ids = [f"1111222233{n:02d}" for n in range(accounts)]
    connections = []
    for i in range(count):
        status = "ERROR" if i % 50 == 0 else "PENDING" if i % 7 == 0 else "AVAILABLE"
        connections.append(_connection(i, ids[i % accounts], "us-east-1", PROVIDERS[i % 4], status))
    connections[min(1234, count - 1)]["Tags"]["note"] = HOSTILE
    return {
        "Connections": connections,
        "Failures": [
            {
                "AccountId": ids[3 % accounts],
                "Region": "eu-west-1",
                "Error": "AccessDenied",
                "Message": HOSTILE,
            }
        ],
        "Skipped": [
            {"AccountId": ids[4 % accounts], "Region": "ap-east-1", "Reason": "opt-in region"}
        ],
        "Summary": {
            "Accounts": accounts,
            "Regions": 2,
            "Pairs": accounts * 2,
            "Read": accounts * 2 - 2,
            "Failed": 1,
            "Skipped": 1,
            "Connections": count,
            "Attempts": 61,
            "StartedAt": "2025-06-02T08:00:00Z",
            "FinishedAt": "2025-06-02T08:00:42Z",
            "Seconds": 42.0,
            "Shard": None,
            "RequiredStatuses": None,
        },
    }


def realistic_report() -> dict[str, Any]:
    """What an organization of 40 accounts might look like: mostly AVAILABLE, a few handshakes
    left PENDING, some ERROR, one pair denied and two opt-in regions not enabled."""
    rng = random.Random(20250602)
    regions = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1")
    teams = ("payments", "search", "platform", "mobile", "data", "identity", "web", "ml")
    connections: list[dict[str, Any]] = []
    for n in range(40):
        account = f"{rng.randrange(10**11, 10**12):012d}"
        team = teams[n % len(teams)]
        for k in range(rng.randrange(3, 40)):
            status = rng.choices(("AVAILABLE", "PENDING", "ERROR"), (90, 7, 3))[0]
            provider = rng.choices(PROVIDERS, (60, 15, 15, 10))[0]
            c = _connection(len(connections), account, rng.choice(regions), provider, status)
            c["ConnectionName"] = f"{team}-{provider.lower()}-{k}"
            c["Tags"] = {"team": team, "env": rng.choice(("prod", "staging", "dev"))}
            connections.append(c)
    accounts = sorted({c["AccountId"] for c in connections})
    by_status = Counter(c["ConnectionStatus"] for c in connections)
    return {
        "Connections": connections,
        "Failures": [
            {
                "AccountId": accounts[7],
                "Region": "eu-central-1",
                "Error": "AccessDeniedException",
                "Message": "User: arn:aws:sts::…:assumed-role/OrganizationInventory is not "
                "authorized to perform: codestar-connections:ListConnections",
                "Attempts": 1,
            }
        ],
        "Skipped": [
            {
                "AccountId": accounts[2],
                "Region": "ap-east-1",
                "Reason": "opt-in region not enabled",
            },
            {
                "AccountId": accounts[2],
                "Region": "me-south-1",
                "Reason": "opt-in region not enabled",
            },
        ],
        "Summary": {
            "Accounts": 40,
            "Regions": 4,
            "Pairs": 160,
            "Read": 157,
            "Failed": 1,
            "Skipped": 2,
            "Connections": len(connections),
            "ByStatus": dict(by_status),
            "Attempts": 171,
            "StartedAt": "2025-06-02T08:00:00Z",
            "FinishedAt": "2025-06-02T08:01:14Z",
            "Seconds": 74.2,
            "Shard": None,
            "RequiredStatuses": None,
        },
    }


# -- the markup -----------------------------------------------------------------------------


class _Page(HTMLParser):
    """Tags with their attributes, each script's text, and the text outside scripts."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def test_hostile_values_stay_data_and_round_trip_through_the_embedded_json() -> None:
    document = big_report(count=60, accounts=3)
    document["Connections"][7]["Tags"]["x"] = HOSTILE
    document["Connections"][8]["ConnectionName"] = HOSTILE
    markup = render_html(document)
    page = _Page(markup)

    # Only the page's two scripts: the data (not run) and the code; no <img>, no handler.
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json", None]
    assert markup.count("</script>") == 2 and not page.named("img")
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    data = page.scripts[0][1]
    assert "<" not in data and ">" not in data and "&" not in data
    rows = json.loads(data)["rows"]
    assert len(rows) == 60
    assert rows[8][0] == HOSTILE and f"x={HOSTILE}" in rows[7][7]
    # Rendered by the server: the failure's message shows as the text it is.
    assert HOSTILE in "".join(page.text)
    assert HOSTILE not in markup


def test_an_empty_or_odd_report_still_renders() -> None:
    documents: list[dict[str, Any]] = [
        {},
        {"Connections": [], "Failures": [], "Skipped": [], "Summary": {}},
        {"Connections": [None, 3, {}], "Failures": "x", "Skipped": [{}], "Summary": [1]},
        {"Connections": [{"Tags": [{"Key": "k", "Value": "<v>"}], "ConnectionStatus": 7}]},
    ]
    for document in documents:
        markup = render_html(document)
        page = _Page(markup)
        text = " ".join("".join(page.text).split())
        assert "CodeStar connections inventory" in text
        assert len(page.named("svg")) == 2
        assert page.named("table")  # the connections table, filled in by the script
    assert "No connections." in render_html({})
    rows = json.loads(_Page(markup).scripts[0][1])["rows"]  # the last one: AWS-style tags
    assert rows == [["", "7", "", "", "", "", "", "k=<v>", "", ""]]


def test_the_page_refers_to_nothing_outside_itself() -> None:
    document = big_report(count=40, accounts=4)
    document["Connections"][0]["Tags"]["url"] = "https://example.com/a.png"
    markup = render_html(document)
    page = _Page(markup)

    for tag in ("link", "img", "iframe", "object", "embed", "base", "form", "audio", "video"):
        assert not page.named(tag), tag
    for _, attrs in page.tags:
        for name in ("src", "href", "action", "xlink:href", "srcset", "poster"):
            assert attrs.get(name) in (None, "#failures"), (name, attrs)
        assert not [v for v in attrs.values() if v and re.search(r"https?:|//", v)], attrs
    # URLs only as data: in text (a failure's message) and in the embedded JSON (a tag value).
    assert "https://evil.example/x.js" in "".join(page.text)
    assert "https://example.com/a.png" in page.scripts[0][1]
    style = markup.split("<style>", 1)[1].split("</style>", 1)[0]
    for code in (style, page.scripts[1][1]):
        assert not re.search(r"https?:|url\(|@import|fetch\(|XMLHttpRequest|\.src\b", code)
    # The policy lets only the page's own style and script run, and loads nothing.
    (csp,) = [a["content"] for a in page.named("meta") if a.get("http-equiv")]
    assert csp is not None and "default-src 'none'" in csp
    for content in (style, page.scripts[1][1]):
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_the_summary_numbers_are_in_the_header() -> None:
    document = realistic_report()
    document["Summary"].update(Shard="2/4", RequiredStatuses=["AVAILABLE"], NotAsRequired=9)
    text = " ".join(" ".join(_Page(render_html(document)).text).split())
    count = len(document["Connections"])

    for name, value in (
        ("Accounts", "40"),
        ("Regions", "4"),
        ("Pairs", "160"),
        ("Read", "157"),
        ("Failed", "1"),
        ("Skipped", "2"),
        ("Connections", f"{count:,}"),
        ("Attempts", "171"),
        ("Time taken", "1 min 14 s"),
        ("Shard", "2/4"),
        ("Required statuses", "AVAILABLE"),
        ("Not as required", "9"),
    ):
        assert f"{name} {value}" in text, name
    assert "Generated at 2025-06-02T08:01:14Z" in text
    assert "1 account/region pair could not be read" in text
    assert "opt-in region not enabled" in text and "AccessDeniedException" in text


def test_the_chart_is_in_the_markup_with_the_worst_accounts_first() -> None:
    document = realistic_report()
    markup = render_html(document)
    page = _Page(markup)
    account_chart = markup.split('id="chart-accounts"', 1)[1].split("</svg>", 1)[0]
    provider_chart = markup.split('id="chart-providers"', 1)[1].split("</svg>", 1)[0]

    # Outside any script: it shows without JavaScript.
    assert all("<svg" not in text for _, text in page.scripts)
    labels = re.findall(r'text-anchor="end">(\d{12})<title>', account_chart)
    assert len(labels) == TOP_ACCOUNTS
    assert "10 more accounts not shown" in markup
    not_available = Counter(
        c["AccountId"] for c in document["Connections"] if c["ConnectionStatus"] != "AVAILABLE"
    )
    counts = [not_available[a] for a in labels]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(not_available.values())
    assert all(p in provider_chart for p in PROVIDERS)
    assert {"st-available", "st-pending", "st-error"} <= set(re.findall(r"seg (st-\w+)", markup))


# -- in Chromium ----------------------------------------------------------------------------


@pytest.fixture
def browser(chromium: Path) -> Iterator[Browser]:
    # Playwright gives each launch a new temporary --user-data-dir and removes it after.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), args=list(CHROMIUM_FLAGS), headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Loaded:
    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load(
    browser: Browser, path: Path, document: dict[str, Any], *, javascript: bool = True
) -> Loaded:
    path.write_text(render_html(document), encoding="utf-8")
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1200, "height": 900}, offline=True
    )
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    loaded = Loaded(page, path.as_uri(), requests)
    page.on("websocket", lambda socket: requests.append(socket.url))
    page.on("console", lambda m: loaded.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: loaded.errors.append(str(error)))
    page.goto(loaded.url, wait_until="load")
    return loaded


def cells(page: Page, column: int) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(
        "#connections tbody tr", f"rows => rows.map(r => r.cells[{column}].textContent)"
    )
    return texts


def show_all(page: Page, count: int) -> None:
    """Press "Show all" (the table holds the first TABLE_ROWS rows until then)."""
    page.get_by_role("button", name=f"Show all {count:,}").click()
    expect(page.locator("#connections tbody tr")).to_have_count(count)
    expect(page.locator("#more")).to_be_hidden()


@pytest.mark.cold_cache
def test_in_a_real_browser_every_row_is_there_and_any_column_sorts(
    browser: Browser, tmp_path: Path
) -> None:
    document = big_report()
    connections = document["Connections"]
    loaded = load(browser, tmp_path / "report.html", document)
    page = loaded.page
    rows = page.locator("#connections tbody tr")
    shown = page.locator("#shown")

    expect(shown).to_have_text(f"the first {TABLE_ROWS:,} of 2,000 matching connections shown")
    expect(rows).to_have_count(TABLE_ROWS)
    show_all(page, 2000)
    expect(shown).to_have_text("2,000 of 2,000 connections shown")
    assert cells(page, 0) == [c["ConnectionName"] for c in connections]  # the report's order
    expect(page.locator("#chart-accounts")).to_be_visible()
    expect(page.locator("#chart-providers")).to_be_visible()
    box = page.locator("#chart-accounts").bounding_box()
    assert box is not None and box["height"] > 30 * 12 and box["width"] > 400
    expect(page.locator("#failures")).to_contain_text("AccessDenied")

    status = page.get_by_role("button", name="Status")
    header = page.locator("#connections thead th").nth(1)
    expect(header).to_have_attribute("aria-sort", "none")
    status.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first.locator("td").nth(1)).to_have_text("AVAILABLE")
    show_all(page, 2000)
    ascending = cells(page, 1)
    assert ascending == sorted(ascending) and ascending[-1] == "PENDING"
    status.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("td").nth(1)).to_have_text("PENDING")
    show_all(page, 2000)
    assert cells(page, 1) == sorted(ascending, reverse=True)
    # Names sort as numbers where they hold numbers: conn-2 before conn-10.
    page.get_by_role("button", name="Name").click()
    expect(header).to_have_attribute("aria-sort", "none")
    expect(page.locator("#connections thead th").first).to_have_attribute("aria-sort", "ascending")
    show_all(page, 2000)
    names = cells(page, 0)
    assert names[:3] == ["conn-0", "conn-1", "conn-2"] and names[-1] == "conn-1999"
    assert loaded.errors == []
    assert loaded.requests == [loaded.url]


def test_in_a_real_browser_the_filters_narrow_the_rows_and_tags_show_as_text(
    browser: Browser, tmp_path: Path
) -> None:
    document = big_report()
    connections = document["Connections"]
    loaded = load(browser, tmp_path / "report.html", document)
    page = loaded.page
    rows = page.locator("#connections tbody tr")
    shown = page.locator("#shown")

    account = next(c["AccountId"] for c in connections if c["ConnectionStatus"] == "ERROR")
    in_account = [c for c in connections if c["AccountId"] == account]
    page.locator("#filter").fill(account)
    expect(rows).to_have_count(len(in_account))
    expect(page.locator("#more")).to_be_hidden()
    page.locator("#status").select_option("ERROR")
    errors = sum(1 for c in in_account if c["ConnectionStatus"] == "ERROR")
    assert 0 < errors < len(in_account)
    expect(rows).to_have_count(errors)
    expect(shown).to_have_text(f"{errors} of 2,000 connections shown")
    page.locator("#status").select_option("")
    page.locator("#filter").fill("__pwned")
    expect(rows).to_have_count(1)
    hostile = next(c for c in connections if HOSTILE in c["Tags"].values())
    tags = ", ".join(f"{k}={v}" for k, v in sorted(hostile["Tags"].items()))
    expect(rows.first.locator("td").nth(7)).to_have_text(tags)
    page.locator("#filter").fill("")
    expect(rows).to_have_count(TABLE_ROWS)

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("script").count() == 2 and page.locator("img").count() == 0
    assert loaded.errors == []
    assert loaded.requests == [loaded.url]


# Clicks a header and waits for the next frame: the time a person waits for the sorted table.
_TIMED_SORT = """async (column) => {
  const started = performance.now();
  document.querySelectorAll("#connections thead button")[column].click();
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - started;
}"""


def test_sixteen_thousand_connections_load_and_sort_quickly(
    browser: Browser, tmp_path: Path
) -> None:
    loaded = load(browser, tmp_path / "report.html", big_report(count=16000, accounts=400))
    page = loaded.page

    expect(page.locator("#shown")).to_contain_text("of 16,000 matching connections shown")
    ready = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
    sorts = [page.evaluate(_TIMED_SORT, column) for column in (1, 1, 0, 8)]
    # Measured here: ready in 0.4 s and each sort in 0.2-0.3 s (all 16,000 rows in the table:
    # 3.5 s and 2.5-6.5 s). The bounds leave room for a busy machine.
    assert ready < 5000, ready
    assert max(sorts) < 3000, sorts
    assert loaded.errors == [] and loaded.requests == [loaded.url]


def test_without_javascript_the_summary_and_chart_still_show(
    browser: Browser, tmp_path: Path
) -> None:
    loaded = load(browser, tmp_path / "report.html", big_report(), javascript=False)
    page = loaded.page

    expect(page.locator("header")).to_contain_text("Connections")
    expect(page.locator("header")).to_contain_text("2,000")
    expect(page.locator("#chart-accounts rect").first).to_be_visible()
    expect(page.locator("#skipped")).to_contain_text("opt-in region")
    expect(page.locator("#connections tbody tr")).to_have_count(0)
    assert loaded.errors == [] and loaded.requests == [loaded.url]


def test_a_screenshot_of_a_realistic_report(browser: Browser, tmp_path: Path) -> None:
    loaded = load(browser, tmp_path / "report.html", realistic_report())
    page = loaded.page
    expect(page.locator("#shown")).to_contain_text("connections shown")
    shot = page.screenshot(type="png")

    assert shot.startswith(b"\x89PNG") and len(shot) > 20_000
    assert loaded.errors == [] and loaded.requests == [loaded.url]
    target = os.environ.get("CODESTAR_REPORT_SCREENSHOT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_bytes(shot)
