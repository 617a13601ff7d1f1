"""Many sessions at once: N real Streamlit sessions over the websocket protocol (no browser),
against a `streamlit run app.py` server this script starts on a synthetic database.

    python benchmarks/concurrent_sessions.py [--size 100000] [--sessions 1 5 10 20 50]
        [--pause 2.0] [--seconds 60] [--seed 1] [--keep DIR] [--replicas 1] [--importing]

Each session connects as a browser does, then, until the time is up, asks for a rerun of a
page with filters drawn from a fixed seed (a page, a period preset, sometimes a force, a channel,
a category), and pauses as a reader would: an exponential pause of --pause seconds on average
(--pause 0: the stress run, no pause). For each N it prints the reruns, the latency from the
rerun request to the script's "finished" message (p50, p95, max), the errors, and the server's
peak resident memory (VmHWM; with replicas, the largest process's). With --replicas K it starts K
servers on the same database and gives session n to server n mod K, as a load balancer's sticky
sessions would (deploy/nginx/replicas.conf): one Python process is bound by its interpreter
lock to about one core, and K processes can use K. With --importing, a separate process imports
as many reports again (two extracts in turn, the second the one the database was built from),
one import after another, for as long as the sessions run:
each import swaps a new version of the database in, and every cached result of the old one
goes unused (the count of imports is printed). Goals (issue 12), at 100,000 reports on 2
cores: p95 at N = 20 with 2 s pauses at most 1.0 s and 3x the p95 at N = 1; at N = 50 at most
2.5 s; under 1 GB a process.
"""

import argparse
import contextlib
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from benchmarks.page_speed import build_database  # noqa: E402
from tests.system.served import serve  # noqa: E402

PAGES = ["overview", "reports", "outcomes", "forces", "fairness"]
PERIODS = ["fy2024", "fy2025", "last12", "national", "all", "pilot"]
FORCES = ["kent", "metropolitan", "essex", "west_midlands", "lincolnshire"]
CHANNELS = ["phone", "online"]
CATEGORIES = ["corrupt_exchange", "abuse_of_position", "sexual_misconduct", "discrimination"]


@dataclass(frozen=True)
class Rerun:
    seconds: float
    error: str | None = None


def step(rng: random.Random) -> tuple[str, str]:
    """A page and its query string, as a person might choose them."""
    query = [f"period={rng.choice(PERIODS)}"]
    if rng.random() < 0.4:
        query.append(f"force={rng.choice(FORCES)}")
    if rng.random() < 0.2:
        query.append(f"channel={rng.choice(CHANNELS)}")
    if rng.random() < 0.2:
        query.append(f"category={rng.choice(CATEGORIES)}")
    return rng.choice(PAGES), "&".join(query)


def rerun(ws, page: str, query: str) -> Rerun:
    """Ask for a rerun of the page with the query and wait for the script to finish."""
    request = BackMsg()
    request.rerun_script.query_string = query
    request.rerun_script.page_name = page
    started = time.perf_counter()
    ws.send(request.SerializeToString())
    error = None
    while True:
        message = ForwardMsg()
        message.ParseFromString(ws.recv(timeout=120))
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                error = element.exception.message
        elif kind == "script_finished":
            return Rerun(time.perf_counter() - started, error)


def session(url: str, seed: int, pause: float, deadline: float, runs: list[Rerun]) -> None:
    """One visitor until the deadline; a failure is recorded, not raised (a thread's exception
    would be lost)."""
    rng = random.Random(seed)
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        with connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
            while time.monotonic() < deadline:
                runs.append(rerun(ws, *step(rng)))
                if pause:
                    time.sleep(rng.expovariate(1 / pause))
    except Exception as error:  # noqa: BLE001 (reported in the table)
        runs.append(Rerun(float("nan"), repr(error)))


def peak_memory_mb(port: int) -> float | None:
    """The server's peak resident memory (VmHWM), found by its port in /proc."""
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if f"--server.port={port}".encode() in cmdline:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    return None


def measure(urls: list[str], sessions: int, pause: float, seconds: float, seed: int) -> dict:
    runs: list[Rerun] = []
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=session, args=(urls[n % len(urls)], seed * 1000 + n, pause, deadline, runs)
        )
        for n in range(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(run.seconds for run in runs if run.error is None)
    errors = [run.error for run in runs if run.error is not None]
    if not times:
        return {"reruns": 0, "errors": len(errors), "first_error": errors[:1]}
    return {
        "reruns": len(times),
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
        "errors": len(errors),
        "first_error": errors[:1],
    }


IMPORT_LOOP = """
import sys, time
from pathlib import Path
from oversight.demo import write_synthetic_extract
from oversight.ingest import import_extract
db_path, size, work = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
# two extracts in turn: an import that changes nothing leaves the file (and every cache) as it is
extracts = [
    list(write_synthetic_extract(work / f"import_{seed}", n_reports=size, seed=seed).values())
    for seed in (size + 1, size)
]
while True:
    for files in extracts:
        import_extract(files, db_path, synthetic=True, replace=True)
        print("imported", flush=True)
"""


@contextlib.contextmanager
def importing(db_path: Path, size: int, work: Path):
    """Imports one after another in a process of their own until the block ends; yields a
    function that counts the imports finished so far."""
    log = work / "imports.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT_LOOP, str(db_path), str(size), str(work)],
            cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield lambda: log.read_text().count("imported")
    finally:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20, 50])
    parser.add_argument("--pause", type=float, default=2.0, help="mean pause, s (0: stress)")
    parser.add_argument("--seconds", type=float, default=60.0, help="per number of sessions")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="folder to keep the database in")
    parser.add_argument("--replicas", type=int, default=1, help="servers sharing the sessions")
    parser.add_argument("--importing", action="store_true", help="imports run all the while")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="oversight-sessions-"))
    work.mkdir(parents=True, exist_ok=True)
    db_path = build_database(args.size, work)
    with contextlib.ExitStack() as servers:
        urls = [
            servers.enter_context(
                serve(db_path, work / f"server{k}.log", OVERSIGHT_VALIDATE_CHARTS="0")
            )
            for k in range(args.replicas)
        ]
        ports = [int(url.rsplit(":", 1)[1]) for url in urls]
        for url in urls:
            measure([url], 1, 0, 10, args.seed)  # warm the caches of each page once
        imports = (
            servers.enter_context(importing(db_path, args.size, work))
            if args.importing
            else lambda: 0
        )
        print(
            f"{args.size:,} reports, mean pause {args.pause} s, {args.seconds:.0f} s each, "
            f"{args.replicas} server process(es)"
            + (", imports running all the while" if args.importing else "")
        )
        print(f"{'sessions':>8} {'reruns':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
              f"{'errors':>6} {'peak MB':>8}")  # fmt: skip
        for sessions in args.sessions:
            result = measure(urls, sessions, args.pause, args.seconds, args.seed)
            memory = max(peak_memory_mb(port) or float("nan") for port in ports)
            if result["reruns"]:
                print(f"{sessions:>8} {result['reruns']:>7} {result['p50']:>7.2f} "
                      f"{result['p95']:>7.2f} {result['max']:>7.2f} {result['errors']:>6} "
                      f"{memory:>8.0f}", flush=True)  # fmt: skip
            else:
                print(f"{sessions:>8} no rerun finished: {result['first_error']}", flush=True)
            if result["errors"]:
                print(f"         first error: {result['first_error'][0]}", flush=True)
        if args.importing:
            print(f"imports finished while measuring: {imports()}")


if __name__ == "__main__":
    main()
