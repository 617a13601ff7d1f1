"""Importing an extract uploaded on the Import page, by the same function as
`python -m oversight import`, with the same checks and refusals.

    staged = stage_upload([("reports.csv", data), ...])      # UploadRefused if unsafe
    checked = dry_run(staged, db_path, progress)             # what it would add and revise
    done = import_staged(staged, db_path, checked, user, role, progress)

The uploaded files are kept in a folder of their own, named by the upload's key (the names and
contents of its files): the import reads exactly the files that were dry-run. Nothing here
imports Streamlit; the page draws what comes back.
"""

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from oversight import audit
from oversight.db import DatabaseError, connect_read_only, failure_cause, run_query
from oversight.ingest import (
    ExtractError,
    ImportSummary,
    Problem,
    import_extract,
    uk_now,
)
from oversight.ingest.describe import added_examples, revised_examples
from oversight.ledger import LedgerError
from oversight.settings import SettingError
from oversight.status import data_status
from oversight.store import version_of

# The most an upload may hold, all files together, in MB (of 1,048,576 bytes, as Streamlit
# counts them). .streamlit/config.toml's server.maxUploadSize says the same for each file.
MAX_UPLOAD_MB = 200
ACCEPTED_SUFFIXES = (".csv", ".xlsx")
PROBLEM_COLUMNS = ["file", "line", "column", "value", "expected"]
PAGE = "import"
COMMAND_LINE = "command line"
Progress = Callable[[str], None]


class UploadRefused(Exception):
    """The upload cannot be taken as it is (a file of another kind, two files of one name, too
    much data); the message says why, problems name each file at fault."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class UploadedFile:
    """One file as uploaded: its safe name, size in bytes and SHA-256."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Staged:
    """An upload kept on disk: the folder holding its files, and the key naming its contents."""

    key: str
    folder: Path
    files: tuple[UploadedFile, ...]

    @property
    def paths(self) -> list[Path]:
        return [self.folder / f.name for f in self.files]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


@dataclass
class Checked:
    """What a dry run or an import came to.

    accepted: the extract passed every check (and, for an import, was imported or found to
    change nothing). message: one plain sentence for the page. problems: every problem listed,
    as a table (empty when accepted). database_version: the database file as the dry run saw
    it, so that an import after another import is checked again.
    """

    accepted: bool
    message: str
    problems: pd.DataFrame = field(default_factory=lambda: problems_frame([]))
    summary: ImportSummary | None = None
    database_version: tuple | None = None
    as_at_date: dt.date | None = None
    warning: str = ""  # done, but the audit log could not record it

    @property
    def changes_something(self) -> bool:
        return self.summary is not None and any(c.added or c.revised for c in self.summary.changes)


def safe_name(name: str) -> str:
    """The file name alone: no folder (either slash), no leading dots or spaces, no control
    characters. An upload names its own files, so its name is never trusted as a path."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".").strip()
    return base


def upload_key(files: Sequence[tuple[str, bytes]]) -> str:
    """A key that changes whenever a file of the upload is added, removed, renamed or changed."""
    digest = hashlib.sha256()
    for name, data in sorted(files, key=lambda f: f[0]):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def stage_upload(files: Sequence[tuple[str, bytes]], parent: Path | None = None) -> Staged:
    """Keep the uploaded files (name, bytes) in a new private folder; UploadRefused, having kept
    nothing, if there are none, if they are too large together, or if a name is not a .csv or
    .xlsx file or appears twice."""
    if not files:
        raise UploadRefused("No files were uploaded.")
    total = sum(len(data) for _, data in files)
    limit = MAX_UPLOAD_MB * 1024 * 1024
    if total > limit:
        raise UploadRefused(
            f"The files come to {_megabytes(total)} together; an upload may hold at most "
            f"{MAX_UPLOAD_MB} MB. Import a larger extract from the command line: "
            "python -m oversight import PATH."
        )
    problems, seen = [], {}
    for name, _ in files:
        safe = safe_name(name)
        if not safe.lower().endswith(ACCEPTED_SUFFIXES) or safe.lower() in ACCEPTED_SUFFIXES:
            problems.append(
                Problem(name, None, None, None, "a .csv file or an .xlsx workbook (nothing else)")
            )
        elif safe.lower() in seen:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    None,
                    f"one file of each name ({seen[safe.lower()]!r} has the same name)",
                )
            )
        seen.setdefault(safe.lower(), name)
    if problems:
        raise UploadRefused("These files cannot be imported; nothing was kept.", problems)
    folder, kept = None, []
    try:
        folder = Path(tempfile.mkdtemp(prefix="oversight-upload-", dir=parent))
        for name, data in files:
            safe = safe_name(name)
            with open(folder / safe, "xb") as handle:
                handle.write(data)
            kept.append(UploadedFile(safe, len(data), hashlib.sha256(data).hexdigest()))
    except OSError as error:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        where = folder or Path(parent or tempfile.gettempdir())
        raise UploadRefused(
            f"The files could not be kept for checking: {failure_cause(error, where)}"
        ) from error
    return Staged(upload_key(files), folder, tuple(kept))


def discard(staged: Staged | None) -> None:
    """Delete an upload's folder (once imported, or replaced by another upload)."""
    if staged is not None:
        shutil.rmtree(staged.folder, ignore_errors=True)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def dry_run(staged: Staged, db_path: Path, user: str, role: str, progress: Progress) -> Checked:
    """Check the upload and work out what importing it would add and revise, writing nothing to
    the database (the attempt is recorded in its ledger, as the command line's dry run is, and
    in the audit log with the user)."""
    version = version_of(db_path)
    checked = _judge_dry_run(_run(staged, db_path, progress, dry_run=True))
    checked.database_version = version
    checked.warning = _record(db_path, user, role, staged, checked)
    return checked


def _judge_dry_run(checked: Checked) -> Checked:
    """A dry run's verdict: refused if it found rollbacks, as the command line's is."""
    if not checked.accepted:
        return checked
    if checked.summary.rollbacks:
        checked.accepted = False
        checked.message = (
            f"Import refused: {len(checked.summary.rollbacks)} revisions would roll stored data "
            "back (listed below). If the older values are right, import these files from the "
            "command line with --accept-rollback."
        )
        checked.problems = problems_frame([r.problem() for r in checked.summary.rollbacks])
    elif checked.changes_something:
        checked.message = "The files pass every check. Importing them would:"
    else:
        checked.message = "Nothing to import: every row of these files is stored as it is already."
    return checked


def import_staged(
    staged: Staged, db_path: Path, checked: Checked, user: str, role: str, progress: Progress
) -> Checked:
    """Import the files that were dry-run, if the database is still the version the dry run
    saw; record the import, with the user, in the audit log."""
    if not checked.accepted:
        return Checked(False, "These files did not pass the checks: nothing was imported.")
    if version_of(db_path) != checked.database_version:
        return Checked(
            False,
            "The database has changed since these files were checked (another import): check "
            "them again before importing.",
        )
    now = uk_now()
    done = _run(staged, db_path, progress, dry_run=False, now=now)
    if done.accepted and done.summary.written:
        done.message = f"Imported: import {done.summary.import_id} into the database."
        done.as_at_date = _as_at_date(db_path)
    elif done.accepted:
        done.message = (
            "Nothing was imported: every row of these files is stored as it is already. The "
            "database was left as it was."
        )
    done.warning = _record(db_path, user, role, staged, done, now)
    return done


def _run(staged: Staged, db_path: Path, progress: Progress, dry_run: bool, now=None) -> Checked:
    """import_extract on the upload's files, its refusals turned into plain words as the
    command line words them (oversight/__main__.py)."""
    try:
        summary = import_extract(staged.paths, db_path, dry_run=dry_run, progress=progress, now=now)
    except ExtractError as error:
        return Checked(False, _refusal(error), problems_frame(error.problems))
    except DatabaseError as error:
        return Checked(False, f"Import refused, nothing was changed: {error}")
    except LedgerError as error:
        return Checked(
            False,
            "The database was not changed, but the attempt could not be recorded in the "
            f"ledger: {error}",
        )
    except SettingError as error:
        return Checked(False, f"Oversight is not configured correctly: {error}. Nothing was "
                       "changed.")  # fmt: skip
    except (OSError, duckdb.Error) as error:
        cause = failure_cause(error, db_path) or str(error)
        return Checked(False, f"Import failed: {cause} The database was not changed.")
    return Checked(True, "", summary=summary)


def _refusal(error: ExtractError) -> str:
    """The first line of the command line's refusal, with a count of those not listed."""
    count = f"{error.total} problem{'s' if error.total != 1 else ''}"
    if error.at_least:
        count = "at least " + count
    text = f"Extract refused, nothing was imported: {count} found"
    hidden = error.total - len(error.problems)
    if hidden > 0:
        text += f" (the first {len(error.problems)} are listed below)"
    return text + "."


def _as_at_date(db_path: Path) -> dt.date | None:
    """The as-at date of the version just swapped in."""
    try:
        con = connect_read_only(db_path)
    except DatabaseError:
        return None
    try:
        return data_status(con).as_at_date
    finally:
        con.close()


def _record(
    db_path: Path,
    user: str,
    role: str,
    staged: Staged,
    done: Checked,
    now: dt.datetime | None = None,
) -> str:
    """Record a dry run or an import in the audit log; a warning for the page if that failed."""
    summary = done.summary
    if not done.accepted:
        result = "refused"
    elif summary.dry_run:
        result = "dry run"
    else:
        result = "imported" if summary.written else "unchanged"
    detail = {
        "result": result,
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in staged.files],
        "message": done.message,
    }
    if summary is not None:
        detail["counts"] = {
            c.table: {"added": c.added, "revised": c.revised, "unchanged": c.unchanged}
            for c in summary.changes
        }
    if summary is not None and summary.written and now is not None:
        # the data file's import is this one where both its id and its time match
        detail["import_id"] = summary.import_id
        detail["imported_at"] = now.isoformat()
    try:
        audit.record_now(db_path, user, role, audit.IMPORT, PAGE, detail)
    except (LedgerError, duckdb.Error, OSError) as error:
        return f"The audit log could not record this: {error}"
    return ""


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as a table: file, line, column, value, expected (line empty where none)."""
    frame = pd.DataFrame(
        [(p.file, p.line, p.column, p.value, p.expected) for p in problems],
        columns=PROBLEM_COLUMNS,
    )
    frame["line"] = frame["line"].astype("Int64")
    return frame.astype({c: "object" for c in PROBLEM_COLUMNS if c != "line"})


def changes_frame(summary: ImportSummary) -> pd.DataFrame:
    """What the import would do to each table, with examples (the command line's dry run)."""
    return pd.DataFrame(
        [
            {
                "table": c.table,
                "to add": c.added,
                "to revise": c.revised,
                "unchanged": c.unchanged,
                "added, e.g.": added_examples(c),
                "revised, e.g.": revised_examples(c),
            }
            for c in summary.changes
        ]
    )


def files_frame(summary: ImportSummary) -> pd.DataFrame:
    """What each file of an import did."""
    return pd.DataFrame(
        [
            {
                "file": f.file_name,
                "table": f.table,
                "rows read": f.rows_read,
                "added": f.rows_added,
                "revised": f.rows_revised,
                "unchanged": f.rows_unchanged,
                "sha256": f.sha256,
            }
            for f in summary.files
        ]
    )


def import_events(db_path: Path) -> pd.DataFrame:
    """Every import tried on this page, newest first: when (UTC), who, the result, the files
    and what they added and revised. LedgerError if the ledger cannot be read."""
    log = audit.events(db_path)
    log = log[log["event"] == audit.IMPORT]
    rows = []
    for event in log.itertuples():
        detail = _detail(event.detail)
        counts = detail.get("counts", {})
        rows.append(
            {
                "at (UTC)": event.at,
                "user": event.user_id,
                "result": detail.get("result", ""),
                "files": ", ".join(f.get("name", "") for f in detail.get("files", [])),
                "added": sum(c.get("added", 0) for c in counts.values()),
                "revised": sum(c.get("revised", 0) for c in counts.values()),
                "import": detail.get("import_id"),
            }
        )
    columns = ["at (UTC)", "user", "result", "files", "added", "revised", "import"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["import"] = frame["import"].astype("Int64")
    return frame


def import_history(db_path: Path) -> pd.DataFrame:
    """The data file's imports as it is now on disk (queries/import_history.sql): read afresh,
    not from the version this rerun pinned, which an import on this rerun has replaced."""
    con = connect_read_only(db_path)
    try:
        return run_query(con, "import_history")
    finally:
        con.close()


def with_importers(imports: pd.DataFrame, db_path: Path) -> pd.DataFrame:
    """The data file's import history (queries/import_history.sql) with who made each import:
    the user the audit log recorded for it, else "command line" (imports made there, and the
    demo, are not in the audit log)."""
    by_import = {}
    for event in audit.events(db_path).itertuples():
        detail = _detail(event.detail)
        if event.event == audit.IMPORT and detail.get("import_id") is not None:
            key = (int(detail["import_id"]), str(detail.get("imported_at")))
            by_import.setdefault(key, event.user_id)
    frame = imports.copy()
    keys = zip(frame["import_id"], frame["imported_at"], strict=True)
    frame.insert(
        2,
        "imported by",
        [by_import.get((int(i), pd.Timestamp(at).isoformat()), COMMAND_LINE) for i, at in keys],
    )
    return frame


def _detail(text) -> dict:
    try:
        value = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
