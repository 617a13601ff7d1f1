"""Page speed: every dashboard page rerun after a filter change, at several database sizes.

    python benchmarks/page_speed.py [--sizes 10000 1000000 10000000] [--keep DIR] [--reruns 5]

For each size it builds (or reuses, with --keep) a database of synthetic reports through the real
importer, then in a fresh child process (so that peak memory is that size's alone):
- opens every page in Streamlit's AppTest and reruns it after changing the period filter, each
  time to a period not seen before (so no cached result is reused), and takes the median;
- times DuckDB alone running the same queries with the same parameters (recorded during the
  reruns), on a fresh connection;
- times the rerun of an empty Streamlit page: Streamlit's own overhead.
It prints a table per size: page, median rerun seconds, DuckDB seconds for that page's queries,
and the process's peak memory. Goals (issue 3): at 1,000,000 reports every page under 0.5 s and
within 2x its query time plus the empty page's overhead; at 10,000,000 under 3 s, under 2 GB.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

PAGES = [
    "app_pages/overview.py",
    "app_pages/reports.py",
    "app_pages/outcomes.py",
    "app_pages/forces.py",
    "app_pages/fairness.py",
    "app_pages/about.py",
]
# Periods the reruns cycle through: each differs from the last, so each rerun misses the cache.
PERIODS = ["fy2024", "fy2025", "last12", "national", "fy2026", "all", "pilot", "fy2023"]
EMPTY_PAGE = 'import streamlit as st\nst.write("empty page")\n'


def build_database(size: int, work: Path) -> Path:
    """A database of `size` synthetic reports, built through the importer (reused if present)."""
    from oversight.demo import write_synthetic_extract
    from oversight.ingest import import_extract

    db_path = work / f"pages_{size}.duckdb"
    if db_path.exists():
        return db_path
    started = time.perf_counter()
    extract = write_synthetic_extract(work / f"pages_extract_{size}", n_reports=size, seed=size)
    # The import's default memory limit (1 GB, for the import benchmark's goal) is too small for
    # the primary-key index of 10,000,000 reports; building a benchmark database may use more.
    os.environ.setdefault("OVERSIGHT_IMPORT_MEMORY", "8GB")
    import_extract(list(extract.values()), db_path, synthetic=True)
    for path in extract.values():
        path.unlink()
    print(f"  built {db_path.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return db_path


def measure_in_child(db_path: Path, reruns: int, pages: list[str]) -> dict:
    """Run the measurements in a fresh Python; return its JSON result."""
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(db_path),
            "--reruns",
            str(reruns),
            "--pages",
            *pages,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"OVERSIGHT_DB": str(db_path)},
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-3000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child(db_path: Path, reruns: int, pages: list[str]) -> None:
    """The measurements themselves (in the child process): print one JSON line."""
    import resource

    from streamlit.testing.v1 import AppTest

    import oversight.db as db

    recorded: list[tuple[str, dict]] = []
    original = db.run_query

    def recording(con, name, **params):
        recorded.append((name, params))
        return original(con, name, **params)

    db.run_query = recording
    import oversight.dashboard as dashboard

    dashboard.run_query = recording

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.py"
        empty.write_text(EMPTY_PAGE)
        app = AppTest.from_file(str(empty), default_timeout=600).run()
        times = []
        for _ in range(reruns):
            started = time.perf_counter()
            app.run()
            times.append(time.perf_counter() - started)
        results["empty page"] = {"rerun_s": statistics.median(times), "query_s": 0.0}

    for page in pages:
        app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600)
        app.query_params["period"] = "all"
        app.run()
        if page != "app_pages/overview.py":
            app.switch_page(page).run()
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception}")
        times, query_times = [], []
        for period in PERIODS[:reruns]:
            recorded.clear()
            started = time.perf_counter()
            app.sidebar.selectbox(key="f_period").set_value(period).run()
            times.append(time.perf_counter() - started)
            if app.exception:
                raise RuntimeError(f"{page} ({period}): {app.exception}")
            query_times.append(_time_queries(db_path, list(recorded)))
        results[page] = {
            "rerun_s": statistics.median(times),
            "query_s": statistics.median(query_times),
        }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": results, "peak_mb": peak_mb}))


def _time_queries(db_path: Path, calls: list[tuple[str, dict]]) -> float:
    """Seconds DuckDB alone takes for these queries, on a fresh connection."""
    from oversight.db import connect_read_only, run_query

    con = connect_read_only(db_path)
    try:
        started = time.perf_counter()
        for name, params in calls:
            run_query(con, name, **params)
        return time.perf_counter() - started
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000, 10_000_000])
    parser.add_argument("--keep", help="folder to keep (and reuse) the databases in")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--pages", nargs="+", default=PAGES, help="page files to measure")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.reruns, args.pages)
        return
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="oversight-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    for size in sorted(args.sizes):
        print(f"\n{size:,} reports", flush=True)
        db_path = build_database(size, work)
        result = measure_in_child(db_path, args.reruns, args.pages)
        overhead = result["pages"]["empty page"]["rerun_s"]
        print(f"{'page':<22} {'rerun s':>8} {'queries s':>10} {'goal s':>8}")
        for page, m in result["pages"].items():
            goal = 2 * m["query_s"] + overhead if page != "empty page" else overhead
            print(f"{Path(page).stem:<22} {m['rerun_s']:>8.3f} {m['query_s']:>10.3f} {goal:>8.3f}")
        print(f"peak memory of the process: {result['peak_mb']:,.0f} MB", flush=True)
    print(
        "\nrerun s: median time of a rerun after a period change (AppTest, no cached result "
        "reused); queries s: DuckDB alone running that page's queries; goal s: 2 x queries + "
        "the empty page's rerun."
    )


if __name__ == "__main__":
    main()
