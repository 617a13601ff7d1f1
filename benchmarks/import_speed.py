"""Import speed: a validated import against DuckDB's plain load of the same files.

    python benchmarks/import_speed.py [--sizes 10000 100000 1000000] [--keep DIR]

For each size it writes a synthetic extract (oversight.demo.write_synthetic_extract: referrals
and outcomes in the demo's proportions), then, each in a fresh child process so that peak memory
is that of the work alone:
- imports it with the real importer into a new database (every check, the atomic swap);
- loads the same three files with DuckDB's read_csv into plain tables, with no checks.
It prints one row per size: rows, seconds, rows per second, peak memory (max RSS) of each, and
the ratio. Goal: 1,000,000 reports within 3x the plain load and under 2 GB.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from oversight.demo import write_synthetic_extract  # noqa: E402

CHILD_IMPORT = """
import json, sys, time
from pathlib import Path
from oversight.ingest import import_extract
paths, db = [Path(p) for p in sys.argv[1:-1]], Path(sys.argv[-1])
started = time.perf_counter()
summary = import_extract(paths, db)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "rows": sum(f.rows_read for f in summary.files)}))
"""

CHILD_PLAIN_LOAD = """
import json, sys, time
import duckdb
paths, db = sys.argv[1:-1], sys.argv[-1]
started = time.perf_counter()
con = duckdb.connect(db)
rows = 0
for index, path in enumerate(paths):
    con.execute(f"create table t{index} as select * from read_csv($path)", {"path": path})
    rows += con.execute(f"select count(*) from t{index}").fetchone()[0]
con.close()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows}))
"""


def run_child(code: str, args: list[str]) -> dict:
    """Run code in a fresh Python; return its JSON result plus its own peak memory in MB."""
    with tempfile.TemporaryFile(mode="w+") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, stdout=out, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError(f"benchmark child failed with exit status {child.returncode}")
        out.seek(0)
        result = json.loads(out.read().strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result


def measure(size: int, work: Path) -> dict:
    """Write an extract of size reports and time both loads of it."""
    extract_dir = work / f"extract_{size}"
    started = time.perf_counter()
    paths = write_synthetic_extract(extract_dir, n_reports=size, seed=size)
    generate_seconds = time.perf_counter() - started
    files = [str(paths[t]) for t in ("reports", "referrals", "outcomes")]
    databases = {kind: work / f"{kind}_{size}.duckdb" for kind in ("import", "plain")}
    for database in databases.values():
        database.unlink(missing_ok=True)
    imported = run_child(CHILD_IMPORT, [*files, str(databases["import"])])
    plain = run_child(CHILD_PLAIN_LOAD, [*files, str(databases["plain"])])
    return {
        "reports": size,
        "rows": imported["rows"],
        "generate_s": generate_seconds,
        "import_s": imported["seconds"],
        "import_mb": imported["peak_mb"],
        "plain_s": plain["seconds"],
        "plain_mb": plain["peak_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--keep", help="folder to keep the extracts and databases in")
    args = parser.parse_args()
    work_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="oversight-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    header = (
        f"{'reports':>10} {'all rows':>10} {'import s':>9} {'rows/s':>10} {'peak MB':>8} "
        f"{'plain s':>8} {'rows/s':>10} {'peak MB':>8} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for size in sorted(args.sizes):
        m = measure(size, work_dir)
        print(
            f"{m['reports']:>10,} {m['rows']:>10,} {m['import_s']:>9.2f} "
            f"{m['rows'] / m['import_s']:>10,.0f} {m['import_mb']:>8.0f} {m['plain_s']:>8.2f} "
            f"{m['rows'] / m['plain_s']:>10,.0f} {m['plain_mb']:>8.0f} "
            f"{m['import_s'] / m['plain_s']:>6.2f}",
            flush=True,
        )
    print(
        "\nimport: the validated import (python -m oversight import); plain: DuckDB read_csv "
        "of the same files into tables, no checks. ratio = import s / plain s. "
        "Peak MB is the child process's max RSS."
    )
    if not args.keep:
        print(f"(work files in {work_dir}; delete when done)")


if __name__ == "__main__":
    main()
