"""What a person sees: N chromium browsers at once, driven by Playwright, against a
`streamlit run app.py` server this script starts on a synthetic database (the no-sign-in demo
view, as benchmarks/concurrent_sessions.py serves it).

    python benchmarks/browser_sessions.py [--size 100000] [--browsers 1 10] [--rounds 3]
        [--keep DIR]

Each browser, in each round, opens a fresh browser context (a new visitor: no cookies, no
cache, a new Streamlit session) on one of the five pages (overview, reports, outcomes, forces,
fairness; in turn), and times:
- first load: from the navigation to the last chart drawn;
- first load, cached: the same in a new tab of that context, after the filter change: a new
  Streamlit session of a returning visitor, whose browser has Streamlit's and plotly's code
  cached (the static files are served with caching headers);
- filter change: from the click on a new period in the sidebar (from "All stored reports" to
  "Last 12 months", "Financial year 2024/25" or "Financial year 2025/26", in turn) to the last
  chart redrawn.
The table gives each kind's count, p50, p95 and max, and the p50 and p95 of the script's run
within it (from its start message to its end message), the server's share.

"Drawn" means: a run of the script started after the navigation or the click (its new_session
message arrived then, so the page before the rerun cannot pass for drawn) and finished (its
script_finished message arrived, no run started since, the app's data-test-script-state is
"notRunning" and its running indicator, stStatusWidget, is gone), no placeholder is left, every
plotly chart of the page has its SVG (.main-svg), and neither the number of charts nor any
chart's drawing has changed for half a second. The time taken is that of the last of: a change
inside a chart, the run's end, the app's state changing; read on the page's own clock (a
mutation observer, a websocket listener), so the polling and the quiet half second are not
counted.

The N browsers are N contexts of one chromium process, each driven by its own asyncio task
from its start to its last round. One process, because contexts are as separate as browsers
for this purpose (their own cookies, cache, websocket and renderer process, so their drawing
runs in parallel), and N whole browser processes would take memory and CPU from the server
being measured on a 2-core machine. All the browsers still share those 2 cores with the server:
at N = 10 the numbers include ten browsers' drawing on the server's machine, which a real
visitor's own computer would do instead.

Before measuring, every page is run once with each period over a bare websocket, so that
measurements see the server's caches warm (as concurrent_sessions.py does). Under the table, a
profile of each first load at N = 1 (milliseconds from the navigation, on the page's clock):
the HTML's first byte, Streamlit's main bundle loaded, the websocket open, the script started
and finished, plotly's code (PlotlyChart chunk, loaded on demand) loaded, the first and the last
chart drawn, the main thread's long tasks (busy over 50 ms at a time) before the websocket
opened, while the script ran, and after it, the JavaScript fetched and the number of charts;
then the same pages' first run over a bare websocket, which is the server's part alone.
Goal (issue 12): first load at N = 1 within 1.5 s.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from playwright.async_api import Browser, Page, async_playwright  # noqa: E402
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from benchmarks.concurrent_sessions import rerun  # noqa: E402
from benchmarks.page_speed import build_database  # noqa: E402
from tests.system.served import serve  # noqa: E402
from tests.system.test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGES = {"overview": "", "reports": "reports", "outcomes": "outcomes", "forces": "forces",
         "fairness": "fairness"}  # fmt: skip
# the period a filter change picks, by its key (for the warm-up) and its label in the sidebar
# (a financial year's label may end in "(part)" or "(so far)"): periods whose figures differ
# from all stored reports' in the synthetic data (no report falls in the Met pilot)
PERIODS = {"last12": "Last 12 months", "fy2024": "Financial year 2024/25",
           "fy2025": "Financial year 2025/26"}  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1000}
QUIET_MS = 500
TIMEOUT_MS = 180_000

# Installed in every page before its own scripts: records, on the page's clock, the websocket's
# opening, the arrival of each message that starts a run (new_session, field 4 of ForwardMsg) or
# ends one (script_finished, field 6), each change of the app's run state, the first and the last
# change inside a chart, the pointer presses and the long tasks. The run's messages, and not only
# the app's state, because a busy page may draw "running" and "notRunning" in one render.
PROBE = """(() => {
  const now = () => performance.now();
  const probe = {runs: [], states: [], sockets: [], pointer: [], longTasks: [],
                 firstChart: null, lastChart: null, count: -1, countAt: 0};
  window.__probe = probe;
  const topFields = data => {
    const bytes = new Uint8Array(data);
    const found = [];
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1, byte;
      do { byte = bytes[i++]; value += (byte & 127) * scale; scale *= 128; } while (byte & 128);
      return value;
    };
    while (i < bytes.length) {
      const key = varint();
      const wire = key % 8;
      found.push(Math.floor(key / 8));
      if (wire === 0) varint();
      else if (wire === 2) { const length = varint(); i += length; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return found;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const entry = {created: now(), opened: null};
      probe.sockets.push(entry);
      this.addEventListener('open', () => { entry.opened = now(); });
      this.addEventListener('message', event => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const at = now();
        const found = topFields(event.data);
        if (found.includes(4)) probe.runs.push([at, 'start']);
        if (found.includes(6)) probe.runs.push([at, 'finish']);
      });
    }
  };
  new PerformanceObserver(list => {
    for (const task of list.getEntries()) probe.longTasks.push([task.startTime, task.duration]);
  }).observe({type: 'longtask', buffered: true});
  document.addEventListener('pointerdown', () => probe.pointer.push(now()), true);
  let app = null;
  let state = null;
  new MutationObserver(records => {
    const at = now();
    if (!app || !app.isConnected) app = document.querySelector('[data-testid="stApp"]');
    const current = app && app.getAttribute('data-test-script-state');
    if (current !== state) { state = current; probe.states.push([at, current]); }
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (node && node.closest('.js-plotly-plot')) {
        probe.firstChart ??= at;
        probe.lastChart = at;
        break;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})()"""

# Polled until the page is drawn (see the module's docstring); returns when the run started and
# finished and when the page was drawn, ms.
DRAWN = """([since, quiet]) => {
  const probe = window.__probe;
  const at = performance.now();
  const runs = probe.runs;
  const started = runs.findIndex(([t, kind]) => t >= since && kind === 'start');
  if (started < 0 || runs.at(-1)[1] !== 'finish') return false;
  const finished = runs.slice(started).find(([, kind]) => kind === 'finish')[0];
  const app = document.querySelector('[data-testid="stApp"]');
  if (app?.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]'))
    return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (!charts.length || charts.some(chart => !chart.querySelector('.js-plotly-plot .main-svg')))
    return false;
  if (charts.length !== probe.count) { probe.count = charts.length; probe.countAt = at; }
  // the last of: the last run's end, the app showing it, a chart's drawing
  const end = Math.max(runs.at(-1)[0], probe.states.at(-1)[0], probe.lastChart ?? 0);
  if (at - Math.max(end, probe.countAt) < quiet) return false;
  return {start: runs[started][0], finished, end};
}"""

# What the page shows after `since`, for the message of a timeout.
SEEN = """(since) => ({
  runs: window.__probe.runs.filter(([t]) => t >= since).map(([, kind]) => kind),
  states: window.__probe.states.filter(([t]) => t >= since).map(([, state]) => state),
  state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  running: !!document.querySelector('[data-testid="stStatusWidget"]'),
  charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  drawn: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(chart => chart.querySelector('.js-plotly-plot .main-svg')).length,
})"""

# The first load's phases, ms from the navigation (null where it did not happen).
PHASES = """(drawn) => {
  const probe = window.__probe;
  const [navigation] = performance.getEntriesByType('navigation');
  const scripts = performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'));
  const loaded = part => scripts.find(r => r.name.includes(part))?.responseEnd ?? null;
  const opened = probe.sockets[0]?.opened ?? null;
  const busy = (from, to) => probe.longTasks
    .filter(([start]) => start >= from && start < to)
    .reduce((sum, [, duration]) => sum + duration, 0);
  return {
    first_byte: navigation.responseStart,
    bundle: loaded('/static/js/index.'),
    socket: opened,
    script_start: drawn.start,
    script_end: drawn.finished,
    plotly_code: loaded('/PlotlyChart.'),
    first_chart: probe.firstChart,
    last_chart: drawn.end,
    busy_before: busy(0, opened ?? Infinity),
    busy_script: busy(opened ?? Infinity, drawn.finished),
    busy_after: busy(drawn.finished, Infinity),
    js_mb: scripts.reduce((sum, r) => sum + r.decodedBodySize, 0) / 1e6,
    charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  };
}"""


@dataclass
class Results:
    """Seconds to drawn, and of them the script's run (its start to its end message)."""

    loads: list[float] = field(default_factory=list)
    load_runs: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    change_runs: list[float] = field(default_factory=list)
    cached_loads: list[float] = field(default_factory=list)
    cached_load_runs: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    profiles: list[tuple[str, dict]] = field(default_factory=list)


async def drawn(page: Page, since: float, name: str) -> dict:
    """Wait until the page is drawn after `since` (page clock, ms); fail on a shown error."""
    try:
        handle = await page.wait_for_function(
            DRAWN, arg=[since, QUIET_MS], polling=100, timeout=TIMEOUT_MS
        )
    except PlaywrightTimeout as error:
        seen = await page.evaluate(SEEN, since)
        raise TimeoutError(f"{name} not drawn within {TIMEOUT_MS / 1000:.0f} s: {seen}") from error
    result = await handle.json_value()
    shown = await page.locator(
        "[data-testid='stException'], [data-testid='stAlertContentError']"
    ).count()
    if shown:
        raise RuntimeError(f"{name} shows an error")
    return result


async def change_period(page: Page, label: str, name: str) -> tuple[float, float]:
    """Choose the period labelled `label` in the sidebar; seconds from the click to drawn, and
    of the script's run."""
    mark = await page.evaluate("performance.now()")
    await page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    await page.get_by_role("option", name=label).click()
    # the press on the option, which starts the change (the box's own press came first)
    clicked = await page.evaluate("m => window.__probe.pointer.filter(t => t > m).at(-1)", mark)
    result = await drawn(page, clicked, name)
    return (result["end"] - clicked) / 1000, (result["finished"] - result["start"]) / 1000


async def visitor(browser: Browser, url: str, index: int, rounds: int, results: Results) -> None:
    """One browser for `rounds` rounds: each a new context, a first load and a filter change.
    A failure is recorded, not raised, and the next round goes on."""
    names = list(PAGES)
    labels = list(PERIODS.values())
    for round_ in range(rounds):
        name = names[(index + round_) % len(names)]
        context = await browser.new_context(viewport=VIEWPORT)
        try:
            await context.add_init_script(PROBE)
            page = await context.new_page()
            await page.goto(f"{url}/{PAGES[name]}", timeout=TIMEOUT_MS)
            first = await drawn(page, 0, name)
            results.loads.append(first["end"] / 1000)
            results.load_runs.append((first["finished"] - first["start"]) / 1000)
            results.profiles.append((name, await page.evaluate(PHASES, first)))
            label = labels[(index + round_) % len(labels)]
            drawn_in, ran_in = await change_period(page, label, name)
            results.changes.append(drawn_in)
            results.change_runs.append(ran_in)
            tab = await context.new_page()
            await tab.goto(f"{url}/{PAGES[name]}", timeout=TIMEOUT_MS)
            again = await drawn(tab, 0, name)
            results.cached_loads.append(again["end"] / 1000)
            results.cached_load_runs.append((again["finished"] - again["start"]) / 1000)
        except Exception as error:  # noqa: BLE001 (reported under the table)
            results.errors.append(f"{name}: {error!r}"[:300])
        finally:
            await context.close()


async def measure(url: str, browsers: int, rounds: int) -> Results:
    results = Results()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(
                *(visitor(browser, url, n, rounds, results) for n in range(browsers))
            )
        finally:
            await browser.close()
    return results


def warm(url: str) -> list[float]:
    """Run every page once with each period over a bare websocket (no browser), so that the
    measurements meet warm caches; return each page's first run in a new session, seconds."""
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    alone = []
    for page in PAGES:
        with connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
            for period in ["all", *PERIODS]:
                rerun(ws, page, f"period={period}")
        with connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
            alone.append(rerun(ws, page, "").seconds)
    return alone


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def percentiles(times: list[float], runs: list[float]) -> str:
    """count, p50, p95 and max, then the script's p50 and p95, as the table's columns."""
    if not times:
        return f"{0:>6}"
    cells = [statistics.median(times), p95(times), max(times), statistics.median(runs), p95(runs)]
    return f"{len(times):>6} " + " ".join(f"{cell:>7.2f}" for cell in cells)


def print_profile(profiles: list[tuple[str, dict]], alone: list[float]) -> None:
    columns = {
        "first_byte": "HTML", "bundle": "bundle", "socket": "socket",
        "script_start": "run", "script_end": "ran", "plotly_code": "plotly",
        "first_chart": "chart1", "last_chart": "chartN", "busy_before": "busy<ws",
        "busy_script": "busyrun", "busy_after": "busy>ran", "js_mb": "JS MB", "charts": "charts",
    }  # fmt: skip
    print("\nfirst load at N = 1, ms from the navigation: HTML's first byte, main bundle loaded,")
    print("websocket open, script started, script finished, plotly's code loaded, first and last")
    print("chart drawn; main thread's long tasks (ms) before the websocket, during the run, after;")
    print("the JavaScript fetched (MB, uncompressed) and the number of charts")
    print(f"{'page':>9} " + " ".join(f"{title:>8}" for title in columns.values()))
    for name, phases in profiles:
        cells = [
            "-" if phases[key] is None else format(phases[key], ".1f" if key == "js_mb" else ".0f")
            for key in columns
        ]
        print(f"{name:>9} " + " ".join(f"{cell:>8}" for cell in cells))
    print(f"the same pages' first run over a bare websocket (no browser): "
          f"p50 {statistics.median(alone):.2f} s, max {max(alone):.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--browsers", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--rounds", type=int, default=3, help="first loads per browser")
    parser.add_argument("--keep", type=Path, help="folder to keep the database in")
    args = parser.parse_args()
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/test.sh to install it"
    work = args.keep or Path(tempfile.mkdtemp(prefix="oversight-browsers-"))
    work.mkdir(parents=True, exist_ok=True)
    db_path = build_database(args.size, work)
    log = work / "server.log"
    with serve(db_path, log, OVERSIGHT_VALIDATE_CHARTS="0") as url:
        alone = warm(url)
        print(f"{args.size:,} reports, {args.rounds} round(s) per browser")
        print("seconds to the last chart drawn; of them, the script's run (from its start to its")
        print("end message, as the page received them)")
        print(f"{'browsers':>8} {'kind':>13} {'count':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
              f"{'run p50':>7} {'run p95':>7}")  # fmt: skip
        profile = None
        for browsers in args.browsers:
            results = asyncio.run(measure(url, browsers, args.rounds))
            loads = percentiles(results.loads, results.load_runs)
            changes = percentiles(results.changes, results.change_runs)
            cached = percentiles(results.cached_loads, results.cached_load_runs)
            print(f"{browsers:>8} {'first load':>13} {loads}")
            print(f"{browsers:>8} {'cached load':>13} {cached}")
            print(f"{browsers:>8} {'filter change':>13} {changes}", flush=True)
            for error in results.errors[:3]:
                print(f"         error ({len(results.errors)} in all): {error}", flush=True)
            if browsers == 1:
                profile = results.profiles
        if profile:
            print_profile(profile, alone)


if __name__ == "__main__":
    main()
