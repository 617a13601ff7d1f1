"""The audit log: who did what and when (docs/deploy.md, "Audit log").

Events go into the ledger beside the data file (oversight/ledger.py), which imports never touch
and nothing ever deletes from. Pages record an event on every view, so record() never touches
the disk: it adds the event to a buffer in memory, and one background thread writes each
ledger's buffer in one transaction every FLUSH_SECONDS, sooner once FLUSH_EVENTS are waiting,
and at exit. A write that fails (the ledger unreadable, the disk full) keeps its events for the
next attempt and logs a warning; it never raises into a page. Imports and publications use
record_now, which writes before it returns.
"""

import atexit
import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from oversight import ledger
from oversight.db import query_text

# The kinds of event, as stored in audit_events.event
SIGN_IN = "sign-in"
SIGN_OUT = "sign-out"
VIEW = "view"  # a page, with its filters in detail
DOWNLOAD = "download"
EXPORT = "export"
SNAPSHOT = "snapshot"
BRIEFING = "briefing"
IMPORT = "import"
PUBLISH = "publish"
DENIED = "denied"  # an attempt at something the user's role may not do
EVENTS = (SIGN_IN, SIGN_OUT, VIEW, DOWNLOAD, EXPORT, SNAPSHOT, BRIEFING, IMPORT, PUBLISH, DENIED)

LOCAL_USER = "local"  # the user of a dashboard run without sign-in
FLUSH_SECONDS = 5.0
FLUSH_EVENTS = 200
COLUMNS = ["at", "user_id", "role", "event", "page", "detail"]

log = logging.getLogger(__name__)

# Events not yet written, by data file (its real path: one data file, one ledger). Each event is
# (at, user_id, role, event, page, detail as JSON text), in the order recorded.
_pending: dict[Path, list[tuple]] = {}
_pending_lock = threading.Lock()  # held only to add to or take from _pending, never for a write
# One write at a time: flush() then returns only once every event recorded before it is
# written, including a batch the background thread had already taken.
_writing = threading.Lock()
_wake = threading.Event()
_stop = threading.Event()
_flusher: threading.Thread | None = None
_failing: dict[Path, str] = {}  # the last error of each ledger that cannot be written
# Transactions committed since the process started (the tests count them).
batches_written = 0

_INSERT = """
insert into audit_events (recorded_at, user_id, role, event, page, detail)
select unnest($at), unnest($user), unnest($role), unnest($event), unnest($page), unnest($detail)
"""


def record(
    db_path: Path, user: str, role: str, event: str, page: str = "", detail: dict | None = None
) -> None:
    """Add an event to the audit log of db_path's ledger, stamped now (UTC), written soon after
    by the background thread (never on the caller's thread)."""
    if event not in EVENTS:
        raise ValueError(f"{event!r} is not a kind of audit event: {', '.join(EVENTS)}")
    # default=str: a date or a path in the details is kept as text rather than refused
    text = json.dumps(detail or {}, default=str, sort_keys=True)
    row = (_utc_now(), user, role, event, page, text)
    key = _key(db_path)
    with _pending_lock:
        waiting = _pending.setdefault(key, [])
        waiting.append(row)
        full = len(waiting) >= FLUSH_EVENTS
        _start_flusher()
    if full:
        _wake.set()


def record_now(
    db_path: Path, user: str, role: str, event: str, page: str = "", detail: dict | None = None
) -> None:
    """Record an event and write it (with any still waiting for that ledger) before returning.

    Raises LedgerError if it cannot be written; the event is kept and retried like any other.
    """
    record(db_path, user, role, event, page, detail)
    with _writing:
        try:
            _write(_key(db_path))
        except ledger.LedgerError:
            raise
        except (duckdb.Error, OSError) as error:
            raise ledger.LedgerError(
                f"the audit log cannot be written to {ledger.ledger_path(db_path)}: {error}"
            ) from error


def flush(db_path: Path | None = None) -> None:
    """Write now the events waiting for db_path's ledger (every ledger's when None).

    A ledger that cannot be written keeps its events for the next flush, with a warning logged.
    """
    with _writing:
        with _pending_lock:
            keys = [_key(db_path)] if db_path is not None else list(_pending)
        for key in keys:
            try:
                _write(key)
            except Exception as error:  # whatever went wrong, the page carries on
                _warn(key, error)


def pending_count(db_path: Path) -> int:
    """How many events of db_path's ledger are waiting to be written."""
    with _pending_lock:
        return len(_pending.get(_key(db_path), []))


def events(
    db_path: Path,
    user: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit log as written so far, newest first: one user's or everyone's, between two
    dates (UTC, inclusive; None for no bound), the newest limit events (None for all).

    Raises LedgerError if the ledger cannot be read.
    """
    params = {"user": user, "first": first, "last": last, "limit": limit}
    with ledger.reading(db_path) as con:
        if con is None or not _has_log(con):
            return _empty()
        return con.execute(query_text("audit_events"), params).df()


def users(db_path: Path) -> list[str]:
    """Everyone in the audit log, in alphabetical order."""
    with ledger.reading(db_path) as con:
        if con is None or not _has_log(con):
            return []
        return [row[0] for row in con.execute(query_text("audit_users")).fetchall()]


def _write(key: Path) -> None:
    """Write the events waiting for one ledger in one transaction; on failure put them back in
    front of any recorded meanwhile, and raise. The caller holds _writing."""
    global batches_written
    with _pending_lock:
        batch = _pending.pop(key, [])
    if not batch:
        return
    try:
        with ledger.appending(key) as con:
            columns = list(zip(*batch, strict=True))
            names = ("at", "user", "role", "event", "page", "detail")
            con.execute(_INSERT, dict(zip(names, map(list, columns), strict=True)))
    except BaseException:
        with _pending_lock:
            _pending[key] = batch + _pending.get(key, [])
        raise
    batches_written += 1
    if _failing.pop(key, None) is not None:
        log.warning("The audit log is written to %s again", ledger.ledger_path(key))


def _warn(key: Path, error: Exception) -> None:
    """Log a failed write once per new reason (not every few seconds while it lasts)."""
    reason = f"{type(error).__name__}: {error}"
    if _failing.get(key) == reason:
        return
    _failing[key] = reason
    log.warning(
        "The audit log cannot be written to %s; its %d events are kept and retried: %s",
        ledger.ledger_path(key),
        pending_count(key),
        reason,
    )


def _flush_forever() -> None:
    while not _stop.is_set():
        _wake.wait(FLUSH_SECONDS)
        _wake.clear()
        try:
            flush()
        except Exception:  # flush catches its own; this thread must outlive anything else
            log.exception("The audit log's background writer failed")


def _start_flusher() -> None:
    """Start the background writer if it is not running (first event, or after a fork)."""
    global _flusher
    if _flusher is None or not _flusher.is_alive():
        _flusher = threading.Thread(target=_flush_forever, name="audit-log-writer", daemon=True)
        _flusher.start()


def _forget_in_child() -> None:
    """A forked process starts with no events of its parent (it would write them twice) and
    with fresh locks (another thread of the parent may have held them)."""
    global _pending_lock, _writing, _wake, _stop, _flusher
    _pending.clear()
    _failing.clear()
    _pending_lock, _writing, _flusher = threading.Lock(), threading.Lock(), None
    _wake, _stop = threading.Event(), threading.Event()


def _flush_at_exit() -> None:
    """Stop the background writer, then write what is left.

    Stopped rather than left to die with the interpreter: a thread still running then keeps
    DuckDB's module alive past its teardown, which DuckDB's bindings report as leaks.
    """
    _stop.set()
    _wake.set()
    if _flusher is not None:
        _flusher.join(timeout=60)  # a write under way finishes first
    flush()


def _key(db_path: Path) -> Path:
    return Path(os.path.realpath(db_path))


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _has_log(con: duckdb.DuckDBPyConnection) -> bool:
    # a ledger made before the audit log has no table for it until its next write
    found = con.execute(
        "select count(*) from information_schema.tables where table_name = 'audit_events'"
    ).fetchone()[0]
    return bool(found)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {"at": pd.Series(dtype="datetime64[us]")} | {c: pd.Series(dtype="str") for c in COLUMNS[1:]}
    )


atexit.register(_flush_at_exit)
os.register_at_fork(after_in_child=_forget_in_child)


# The log's columns in plain words, for the admin page (the download keeps the stored names)
READABLE = {"at": "Time (UTC)", "user_id": "User", "role": "Role", "event": "Event",
            "page": "Page", "detail": "What"}  # fmt: skip


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The log as the admin page shows it: plain column names, and each event's detail as
    "name: value" pairs rather than JSON."""
    shown = frame.rename(columns=READABLE)
    shown["What"] = [_detail_text(text) for text in frame["detail"]]
    return shown


def _detail_text(text: str | None) -> str:
    try:
        detail = json.loads(text) if text else {}
    except ValueError:
        return str(text)
    if not isinstance(detail, dict):
        return str(detail)
    return "; ".join(
        f"{key}: {json.dumps(value) if isinstance(value, list | dict) else value}"
        for key, value in detail.items()
    )
