"""Snapshot speed: a full public snapshot (every file) at several database sizes.

    python benchmarks/snapshot_speed.py [--sizes 10000 1000000] [--keep DIR] [--runs 3]

For each size it builds (or reuses, with --keep) a database of synthetic reports through the real
importer (the same databases as benchmarks/page_speed.py), then runs, as a user would,
`python -m oversight snapshot --public --year 2025 --out NEW_DIR` (a financial year, the
only kind of public period besides quarters; a preview, so the register stays empty) in a fresh
process, `runs` times, and
prints the median wall time of the whole command (Python start-up and imports included) and its
peak memory; and, inside one process, the time to compute the tables (queries and disclosure
control) and to write each kind of file. Goal (issue 4): 1,000,000 reports in under 10 s.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def whole_command(db_path: Path, out: Path) -> tuple[float, float]:
    """Seconds of one `python -m oversight snapshot --public --year 2025` run, and the peak MB
    of every child process so far (the largest of the runs)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "oversight",
            "snapshot",
            "--public",
            "--year",
            "2025",
            "--db",
            str(db_path),
            "--out",
            str(out),
        ],  # fmt: skip
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr)
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def stages(db_path: Path, out: Path) -> dict[str, float]:
    """Seconds per stage of one public snapshot, in a fresh process."""
    script = f"""
import json, time
from pathlib import Path
started = time.perf_counter()
from oversight.db import connect_read_only
from oversight.snapshot import write
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.release import prepare
timings = {{"imports": time.perf_counter() - started}}
mark = time.perf_counter()
con = connect_read_only(Path({str(db_path)!r}))
snapshot = prepare(con, Path({str(db_path)!r}), True, PublicPeriod(2025))
timings["tables (queries and disclosure control)"] = time.perf_counter() - mark
for name in ("write_workbook", "write_report"):
    original = getattr(write, name)
    def timed(*args, original=original, name=name):
        begun = time.perf_counter()
        original(*args)
        timings[name.replace("write_", "") + " (xlsx)" if name == "write_workbook"
                else "report (html)"] = time.perf_counter() - begun
    setattr(write, name, timed)
mark = time.perf_counter()
write.write_snapshot(snapshot, Path({str(out)!r}))
timings["all files written"] = time.perf_counter() - mark
print(json.dumps(timings))
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    from page_speed import build_database

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the databases in")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="snapshot_speed_"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        print(f"{size:,} reports:", flush=True)
        db_path = build_database(size, work)
        with tempfile.TemporaryDirectory() as scratch:
            runs = [whole_command(db_path, Path(scratch) / f"run{i}") for i in range(args.runs)]
            detail = stages(db_path, Path(scratch) / "stages")
        seconds = statistics.median(s for s, _ in runs)
        peak = max(mb for _, mb in runs)
        rows.append((size, seconds, peak, detail))
        print(f"  whole command: median {seconds:.2f} s of {args.runs}, peak {peak:.0f} MB")
        for stage, taken in detail.items():
            print(f"    {stage:<42} {taken:6.2f} s")
    print()
    print("| reports | public snapshot, whole command (median s) | peak MB | goal |")
    print("|---|---|---|---|")
    for size, seconds, peak, _ in rows:
        goal = "under 10 s" if size == 1_000_000 else ""
        met = ("met" if seconds < 10 else "NOT met") if goal else ""
        print(f"| {size:,} | {seconds:.2f} | {peak:.0f} | {goal} {met} |")


if __name__ == "__main__":
    main()
