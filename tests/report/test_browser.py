"""Open the HTML report in headless Chromium: it must load without console errors, draw every
chart with visible bars, and produce a screenshot.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in,
fd 4 out, NUL-separated JSON), with the standard library only. Without Chromium the test
skips, unless SDDKIT_REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sddkit.report.render import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
]

# Per chart shown (a chart's phone or desktop variant is hidden by CSS): how many bars have a
# non-zero drawn size (JS run in the page after load).
CHART_PROBE = """JSON.stringify([...document.querySelectorAll('svg.chart')]
  .filter(svg => svg.getClientRects().length > 0).map(svg => ({
  label: svg.getAttribute('aria-label'),
  width: svg.getBoundingClientRect().width,
  bars: [...svg.querySelectorAll('rect.bar')].filter(r => {
    const b = r.getBBox(); return b.width > 0 && b.height > 0; }).length,
})))"""


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        self._proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            # Chromium reads fd 3 and writes fd 4; both must survive the fd clean-up.
            pass_fds=(3, 4, to_browser_r, from_browser_w),
            preexec_fn=lambda: (os.dup2(to_browser_r, 3), os.dup2(from_browser_w, 4)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                assert "error" not in reply, reply
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait(timeout=10)
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("SDDKIT_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (SDDKIT_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


# How far the page is wider than the window (0: no sideways scrolling).
OVERFLOW_PROBE = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Where the "Fix next" block sits, its first row's subject, and, per chart shown, how far its
# box and its fix markers reach past the box that holds it (the page must not scroll them
# sideways: nothing may be cut off or need a swipe).
LAYOUT_PROBE = """JSON.stringify((() => {
  const block = document.getElementById('fix-next');
  const box = block.getBoundingClientRect();
  const first = block.querySelector('tbody tr td:nth-child(2) b');
  const row = block.querySelector('tbody tr');
  const charts = [...document.querySelectorAll('svg.chart')]
    .filter(svg => svg.getClientRects().length > 0).map(svg => {
      const own = svg.getBoundingClientRect();
      const holder = svg.parentElement.getBoundingClientRect();
      const marks = [...svg.querySelectorAll('line.fix')].map(l => l.getBoundingClientRect());
      return {label: svg.getAttribute('aria-label'), width: own.width,
        scrolls: svg.parentElement.scrollWidth > svg.parentElement.clientWidth + 1,
        past: Math.max(own.right - holder.right, 0),
        marks: marks.length,
        marks_in_view: marks.filter(m => m.left >= 0 && m.right <= window.innerWidth).length};
    });
  return {top: box.top, first_row_bottom: row ? row.getBoundingClientRect().bottom : null,
    viewport: window.innerHeight, first: first ? first.textContent : null, charts};
})())"""


def inspect_page(
    chromium: str, page: Path, workdir: Path, width: int = 1200, layout: list[Any] | None = None
) -> tuple[list[Any], list[Any], bytes, int]:
    """Load `page` in a window `width` px wide (900 px high); return (console errors,
    per-chart bar counts, PNG screenshot, px the page overflows the window sideways). With
    `layout`, the LAYOUT_PROBE result is appended to it."""
    browser = DevTools(chromium, workdir / "profile")
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)
        sid = session["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            browser.send(domain, sid)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            sid,
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.send("Page.navigate", sid, url=page.as_uri())
        browser.wait_for("Page.loadEventFired")
        probe = browser.send("Runtime.evaluate", sid, expression=CHART_PROBE, returnByValue=True)
        overflow = browser.send("Runtime.evaluate", sid, expression=OVERFLOW_PROBE)
        if layout is not None:
            found = browser.send(
                "Runtime.evaluate", sid, expression=LAYOUT_PROBE, returnByValue=True
            )
            layout.append(json.loads(found["result"]["value"]))
        shot = browser.send("Page.captureScreenshot", sid, format="png", captureBeyondViewport=True)
    finally:
        browser.close()
    errors = [
        e["params"]
        for e in browser.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        or (
            e.get("method") == "Runtime.consoleAPICalled"
            and e["params"]["type"] in ("error", "assert")
        )
    ]
    charts = json.loads(probe["result"]["value"])
    return errors, charts, base64.b64decode(shot["data"]), overflow["result"]["value"]


@pytest.mark.browser
def test_html_report_in_headless_chromium(sample: Any, chromium: str, tmp_path: Path) -> None:
    html = write_report(sample.report(), tmp_path / "out", formats=("html",))[0]
    errors, charts, png, overflow = inspect_page(chromium, html, tmp_path)
    screenshot = tmp_path / "report.png"
    screenshot.write_bytes(png)
    if target_dir := os.environ.get("SDDKIT_SCREENSHOT_DIR"):
        shutil.copy(screenshot, Path(target_dir) / "report.png")
    assert errors == [], f"console errors: {errors}"
    assert overflow == 0
    # Tickets per week, before/after, one small chart per fix (#10, abc1234), FRT histogram.
    assert [c["label"] for c in charts] == [
        "Tickets per week",
        "Complaints per week before and after each fix",
        "Complaints per week behind #10",
        "Complaints per week behind abc1234",
        "First-response time",
    ]
    for chart in charts:
        assert chart["width"] > 300, chart
        assert chart["bars"] > 0, f"empty chart: {chart}"
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 20_000  # a rendered page, not a blank canvas


@pytest.mark.browser
def test_the_probe_sees_console_errors_and_empty_charts(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        '<svg class="chart" width="400" height="50"><rect class="bar" width="0" height="9"/></svg>'
        "<script>console.error('boom'); missing();</script>"
    )
    errors, charts, _, overflow = inspect_page(chromium, page, tmp_path, width=300)
    assert len(errors) >= 2  # the console.error call and the uncaught ReferenceError
    assert charts == [{"label": None, "width": 400, "bars": 0}]
    assert overflow > 0  # the 400 px chart is wider than the 300 px window


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.browser
def test_fix_next_above_the_fold_and_charts_fit(
    sample: Any, chromium: str, tmp_path: Path, width: int
) -> None:
    """At 1280 px (a laptop) the "Fix next" block and its first row are on the first screen
    and name the top family; at 390 px (a phone) the page fits its width, the weekly chart
    does not scroll sideways and every fix marker is on screen. Screenshots of both are kept
    (SDDKIT_SCREENSHOT_DIR)."""
    html = write_report(sample.report(), tmp_path / "out", formats=("html",))[0]
    layout: list[Any] = []
    errors, charts, png, overflow = inspect_page(chromium, html, tmp_path, width, layout)
    (tmp_path / f"report-{width}.png").write_bytes(png)
    if target_dir := os.environ.get("SDDKIT_SCREENSHOT_DIR"):
        shutil.copy(tmp_path / f"report-{width}.png", Path(target_dir) / f"report-{width}.png")
    assert errors == []
    assert overflow == 0
    assert all(chart["bars"] > 0 for chart in charts), charts
    [found] = layout
    top = sample.report().fix_next[0].label
    assert found["first"] == top == "Dark mode"
    if width == 1280:
        assert found["top"] >= 0 and found["first_row_bottom"] <= found["viewport"], found
    weekly = next(c for c in found["charts"] if c["label"] == "Tickets per week")
    assert not weekly["scrolls"] and weekly["past"] == 0, weekly
    # Two fixes (#10, abc1234), both marked and on screen.
    assert weekly["marks"] == weekly["marks_in_view"] == 2, weekly
    for chart in found["charts"]:
        assert chart["past"] == 0, chart


# Per table of Fix next and participation: whether its box scrolls sideways (a clipped
# column), and per Fix next cell whether it is shown, inside the window and not cut inside
# its own box; the came-back rows and where the table ends.
CLIP_PROBE = """JSON.stringify((() => {
  const wraps = {fix_next: document.querySelector('#fix-next .table-wrap'),
    participation: document.querySelector('#rotation + .table-wrap')};
  const scrolls = Object.fromEntries(Object.entries(wraps).map(([name, w]) =>
    [name, w ? w.scrollWidth - w.clientWidth : null]));
  const table = wraps.fix_next.querySelector('table').getBoundingClientRect();
  const cells = [...document.querySelectorAll('#fix-next tbody td')].map(td => {
    const box = td.getBoundingClientRect();
    return {text: td.textContent.trim().slice(0, 40), label: td.dataset.label || null,
      shown: td.getClientRects().length > 0 && box.width > 0,
      inside: box.left >= -0.5 && box.right <= window.innerWidth + 0.5,
      cut: td.scrollWidth > td.clientWidth + 1};
  });
  const rows = [...document.querySelectorAll('#fix-next tbody tr')];
  const returned = rows.map((tr, i) => [i, tr])
    .filter(([, tr]) => tr.classList.contains('returned'))
    .map(([i, tr]) => ({index: i, shown: tr.getClientRects().length > 0,
      bottom: tr.getBoundingClientRect().bottom}));
  return {scrolls, cells, returned, table_bottom: table.bottom, rows: rows.length};
})())"""


def probe_clipping(chromium: str, page: Path, workdir: Path, width: int) -> dict[str, Any]:
    browser = DevTools(chromium, workdir / f"profile-{width}")
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        sid = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        browser.send("Page.enable", sid)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            sid,
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        browser.send("Page.navigate", sid, url=page.as_uri())
        browser.wait_for("Page.loadEventFired")
        found = browser.send("Runtime.evaluate", sid, expression=CLIP_PROBE, returnByValue=True)
    finally:
        browser.close()
    result: dict[str, Any] = json.loads(found["result"]["value"])
    return result


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.browser
def test_fix_next_is_never_clipped_and_regressions_lead(
    sample: Any, chromium: str, tmp_path: Path, width: int
) -> None:
    """With a segment field (the widest Fix next) and a fix whose complaints came back: at
    1280 px no Fix next cell is cut and neither it nor the participation table scrolls
    sideways; at 390 px Fix next reads as cards, every cell shown inside the screen. The
    came-back row leads and is shown, above the table's end."""
    from tests.report.test_segments import _with_plans

    report = _with_plans(sample).report()
    assert report.fix_next[0].status == "came back after fix"
    html = write_report(report, tmp_path / "out", formats=("html",))[0]
    found = probe_clipping(chromium, html, tmp_path, width)
    assert found["rows"] == len(report.fix_next)
    assert found["scrolls"]["fix_next"] == 0, found["scrolls"]
    if width == 1280:
        assert found["scrolls"]["participation"] == 0, found["scrolls"]
    for cell in found["cells"]:
        assert cell["shown"] and cell["inside"] and not cell["cut"], cell
        if width == 390 and cell["label"] is None:  # a card's title (rank, subject)
            assert cell["text"], cell
    [returned] = found["returned"]
    assert returned["index"] == 0 and returned["shown"]
    assert returned["bottom"] <= found["table_bottom"]
