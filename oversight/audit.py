"""PLACEHOLDER for the Import page's tests only: the real audit log is written in another
worktree (wt-audit) and replaces this file at merge. Same two functions, same columns, same
event kind; written synchronously into table audit_events of the ledger."""

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from oversight import ledger

IMPORT = "import"
COLUMNS = ["at", "user_id", "role", "event", "page", "detail"]

_TABLE = """
create table if not exists audit_events (
    recorded_at timestamp not null, user_id varchar not null, role varchar not null,
    event varchar not null, page varchar not null, detail varchar not null
)
"""


def record_now(
    db_path: Path, user: str, role: str, event: str, page: str = "", detail: dict | None = None
) -> None:
    """Write one event to the ledger's audit log before returning."""
    with ledger.appending(db_path) as con:
        con.execute(_TABLE)
        con.execute(
            "insert into audit_events values ($at, $user, $role, $event, $page, $detail)",
            {
                "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "user": user,
                "role": role,
                "event": event,
                "page": page,
                "detail": json.dumps(detail or {}, default=str, sort_keys=True),
            },
        )


def events(
    db_path: Path,
    user: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit log, newest first (first, last and limit are not applied by this placeholder
    beyond limit)."""
    with ledger.reading(db_path) as con:
        if con is None:
            return pd.DataFrame(columns=COLUMNS)
        tables = {
            row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()
        }
        if "audit_events" not in tables:
            return pd.DataFrame(columns=COLUMNS)
        frame = con.execute(
            "select recorded_at as at, user_id, role, event, page, detail from audit_events "
            "where $user is null or user_id = $user "
            "order by recorded_at desc limit $limit",
            {"user": user, "limit": limit if limit is not None else 1 << 62},
        ).df()
    return frame[COLUMNS]
