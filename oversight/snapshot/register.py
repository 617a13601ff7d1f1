"""The register of public releases, in the ledger beside the data file (oversight/ledger.py):
what was released, when, from which data, every cell as published and the files themselves.

Only `python -m oversight publish` adds to it; a preview (`snapshot --public`) reads it, to be
audited against what is already out, and the public dashboard shows nothing else.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from oversight import ledger
from oversight.snapshot.model import TABLES
from oversight.snapshot.periods import PublicPeriod, parse_period
from oversight.snapshot.tables import COUNT_COLUMNS, ROW_KEYS

Cell = tuple[str, str, str]  # (table, row key, column)


@dataclass(frozen=True)
class Release:
    """One release in the register."""

    release_id: int
    period: PublicPeriod
    as_at: dt.date
    released_at: dt.datetime
    threshold: int
    revises: int | None
    published: dict[Cell, str] = field(default_factory=dict, repr=False)
    exact: dict[Cell, int] = field(default_factory=dict, repr=False)  # count cells only

    def hidden(self, cell: Cell) -> bool:
        return self.published[cell] == "[c]"

    def exact_frames(self) -> dict[str, pd.DataFrame]:
        """The count columns of each table as they were when released, exact, with the key
        columns (what tables.constraints needs to rebuild this release's sums and bounds)."""
        frames = {}
        for spec in TABLES:
            keys, counts = ROW_KEYS[spec.name], COUNT_COLUMNS[spec.name]
            rows = dict.fromkeys(row for table, row, _ in self.exact if table == spec.name)
            exact = self.exact
            frames[spec.name] = pd.DataFrame(
                [
                    [*row.split("/", len(keys) - 1), *(exact[spec.name, row, c] for c in counts)]
                    for row in rows
                ],
                columns=[*keys, *counts],
            )
        return frames


def _has_register(con: duckdb.DuckDBPyConnection) -> bool:
    # a ledger made before the register holds only import attempts
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_name = 'releases'"
        ).fetchone()[0]
    )


def releases(db_path: Path) -> list[Release]:
    """Every release of the data file's register, oldest first."""
    with ledger.reading(db_path) as con:
        return [] if con is None else releases_in(con)


def releases_in(con: duckdb.DuckDBPyConnection) -> list[Release]:
    """Every release in an open ledger, oldest first."""
    if not _has_register(con):
        return []
    rows = con.execute(
        "select release_id, period_key, as_at_date, released_at, threshold, revises "
        "from releases order by release_id"
    ).fetchall()
    cells = con.execute(
        "select release_id, table_name, row_key, column_name, published, exact_count "
        "from release_cells order by release_id, table_name, row_number"
    ).fetchall()
    published: dict[int, dict] = {row[0]: {} for row in rows}
    exact: dict[int, dict] = {row[0]: {} for row in rows}
    for release_id, table, row, column, text, count in cells:
        published[release_id][(table, row, column)] = text
        if count is not None:
            exact[release_id][(table, row, column)] = int(count)
    return [
        Release(rid, parse_period(key), as_at, at, threshold, revises, published[rid], exact[rid])
        for rid, key, as_at, at, threshold, revises in rows
    ]


@dataclass(frozen=True)
class Listed:
    """A period's latest release, as the public dashboard lists it."""

    period: PublicPeriod
    release_id: int
    released_at: dt.datetime
    first_released_at: dt.datetime  # its first release (earlier where it was revised)


def listing(db_path: Path) -> list[Listed]:
    """The latest release of every released period, the latest period first."""
    with ledger.reading(db_path) as con:
        if con is None or not _has_register(con):
            return []
        rows = con.execute(
            "select period_key, max_by(release_id, release_id), max(released_at), "
            "min(released_at) from releases group by period_key"
        ).fetchall()
    listed = [Listed(parse_period(key), rid, last, first) for key, rid, last, first in rows]
    # a year before its quarters, the latest first
    return sorted(
        listed,
        key=lambda r: (r.period.year, r.period.quarter is None, r.period.quarter or 0),
        reverse=True,
    )


def latest(found: list[Release]) -> dict[str, Release]:
    """The latest release of each period, by period key."""
    return {release.period.key: release for release in found}


def released_files(db_path: Path, release_id: int) -> dict[str, bytes]:
    """The files of one release, by name, as released."""
    with ledger.reading(db_path) as con:
        if con is None or not _has_register(con):
            return {}
        rows = con.execute(
            "select file_name, content from release_files where release_id = $id "
            "order by file_name",
            {"id": release_id},
        ).fetchall()
    return {name: bytes(content) for name, content in rows}


def record(
    con: duckdb.DuckDBPyConnection,
    data_file: Path,
    period: PublicPeriod,
    snapshot,
    files: dict[str, bytes],
    revises: int | None,
) -> int:
    """Add a release to the register (inside ledger.appending's transaction); its id."""
    release_id = con.execute(
        "insert into releases (period_key, first_date, last_date, as_at_date, released_at, "
        "threshold, software_version, revises, data_file) values ($key, $first, $last, $as_at, "
        "$at, $threshold, $version, $revises, $file) returning release_id",
        {
            "key": period.key,
            "first": period.first,
            "last": period.last,
            "as_at": snapshot.as_at,
            "at": snapshot.generated_at.replace(tzinfo=None),
            "threshold": snapshot.threshold,
            "version": snapshot.software_version,
            "revises": revises,
            "file": str(data_file),
        },
    ).fetchone()[0]
    con.executemany(
        "insert into release_cells values (?, ?, ?, ?, ?, ?, ?)",
        [(release_id, *cell) for cell in cells(snapshot)],
    )
    con.executemany(
        "insert into release_files values (?, ?, ?, ?)",
        [
            (release_id, name, hashlib.sha256(data).hexdigest(), data)
            for name, data in sorted(files.items())
        ],
    )
    return release_id


def cells(snapshot) -> list[tuple]:
    """(table, row number, row key, column, published text, exact count) for every cell."""
    from oversight.snapshot.write import table_text

    out = []
    for spec in TABLES:
        text = table_text(snapshot.tables[spec.name], spec)
        exact = snapshot.exact[spec.name]
        for number, i in enumerate(text.index):
            key = "/".join(str(exact.at[i, k]) for k in ROW_KEYS[spec.name])
            for column in spec.columns:
                if column in ROW_KEYS[spec.name]:
                    continue
                count = int(exact.at[i, column]) if column in COUNT_COLUMNS[spec.name] else None
                out.append((spec.name, number, key, column, text.at[i, column], count))
    return out
