"""Every figure of a rerun comes from one version of the database, while imports swap new
versions in. Sessions of a real `streamlit run` server rerun the Overview over its websocket,
speaking Streamlit's own protocol as the browser does (AppTest is not thread-safe), while a
thread imports two extracts of different sizes in turn."""

import base64
import json
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from oversight.demo import write_synthetic_extract
from oversight.ingest import import_extract
from tests.system.served import serve

SESSIONS = 3
IMPORTS = 20
RERUNS = 100
LIMIT_SECONDS = 300  # only a safeguard: the test runs until it has seen enough, however slow
MONTHLY_TITLE = "Reports received each month, by channel"
PATH_TITLE = "How far reports have gone so far"


@dataclass(frozen=True)
class Rerun:
    """What one rerun of the Overview showed: the Reports tile, the first stage of the path
    chart, and the sum of the monthly chart's points."""

    tile: int | None
    path_first: int | None
    monthly_sum: int | None
    error: str | None = None

    @property
    def consistent(self) -> bool:
        complete = self.tile is not None and self.error is None
        return complete and self.tile == self.path_first == self.monthly_sum


def _numbers(values) -> list[float]:
    """A plotly array as sent to the browser: a plain list, or typed bytes in base64."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def _read(element, shown: dict) -> None:
    kind = element.WhichOneof("type")
    if kind == "metric" and element.metric.label == "Reports":
        shown["tile"] = int(element.metric.body.replace(",", ""))
    elif kind == "plotly_chart":
        spec = json.loads(element.plotly_chart.spec)
        title = spec["layout"]["meta"]["title"]  # oversight/charts.py keeps it there
        if title == PATH_TITLE:
            shown["path_first"] = int(_numbers(spec["data"][0]["x"])[0])
        elif title == MONTHLY_TITLE:
            shown["monthly_sum"] = int(sum(sum(_numbers(trace["y"])) for trace in spec["data"]))
    elif kind == "exception":
        shown["error"] = element.exception.message


def rerun(ws) -> Rerun:
    """Ask the server to rerun the Overview and read what it sends back."""
    request = BackMsg()
    request.rerun_script.query_string = ""
    request.rerun_script.page_name = "overview"  # the root only redirects to it
    ws.send(request.SerializeToString())
    shown: dict = {}
    while True:
        message = ForwardMsg()
        message.ParseFromString(ws.recv(timeout=60))
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            _read(message.delta.new_element, shown)
        elif kind == "script_finished":
            return Rerun(**{field: shown.get(field) for field in Rerun.__dataclass_fields__})


def session(url: str, done: threading.Event, runs: list[Rerun]) -> None:
    """One visitor: connect, then rerun the Overview again and again until told to stop."""
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        with connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
            while not done.is_set():
                runs.append(rerun(ws))
    except Exception as error:  # recorded: an exception in a thread would be lost
        runs.append(Rerun(None, None, None, error=repr(error)))


def keep_importing(
    extracts: list[list[Path]], db_path: Path, done: threading.Event, imports: list[int]
) -> None:
    """Replace the database with each extract in turn until stopped, counting the imports."""
    rng = random.Random(9)
    while not done.is_set():
        import_extract(extracts[imports[0] % 2], db_path, synthetic=True, replace=True)
        imports[0] += 1
        time.sleep(rng.uniform(0, 0.3))  # swaps fall at varied moments of the reruns


@pytest.fixture(scope="module")
def two_extracts(tmp_path_factory) -> list[list[Path]]:
    root = tmp_path_factory.mktemp("alternating")
    return [
        list(write_synthetic_extract(root / "a", n_reports=3_000, seed=11).values()),
        list(write_synthetic_extract(root / "b", n_reports=4_500, seed=12).values()),
    ]


def test_every_rerun_reads_one_database_version_while_imports_run(two_extracts, tmp_path):
    totals = {len(pd.read_csv(paths[0], dtype=str)) for paths in two_extracts}
    db_path = tmp_path / "live.duckdb"
    import_extract(two_extracts[0], db_path, synthetic=True, replace=True)
    done = threading.Event()
    imports = [0]
    runs: list[Rerun] = []
    with serve(db_path, tmp_path / "server.log", OVERSIGHT_VALIDATE_CHARTS="0") as url:
        visitors = [
            threading.Thread(target=session, args=(url, done, runs)) for _ in range(SESSIONS)
        ]
        importer = threading.Thread(
            target=keep_importing, args=(two_extracts, db_path, done, imports)
        )
        importer.start()
        for visitor in visitors:
            visitor.start()
        # on a busy machine it takes longer to see enough swaps, so wait for them, not a clock
        limit = time.monotonic() + LIMIT_SECONDS
        while time.monotonic() < limit and (imports[0] < IMPORTS or len(runs) < RERUNS):
            if not importer.is_alive() or not all(visitor.is_alive() for visitor in visitors):
                break
            time.sleep(0.2)
        done.set()
        for visitor in visitors:
            visitor.join()
        importer.join()
    mixed = [run for run in runs if not run.consistent]
    imported = imports[0]
    print(f"{len(runs)} reruns checked during {imported} imports: {len(mixed)} mixed versions")
    errors = [run.error for run in runs if run.error]
    assert imported >= IMPORTS and len(runs) >= RERUNS, f"stopped early: {errors[:3]}"
    assert not mixed, f"{len(mixed)} of {len(runs)} reruns mixed two versions: {mixed[:5]}"
    assert {run.tile for run in runs} == totals  # both versions were seen, and only they
