"""The command line: python -m oversight demo | import | status | snapshot | publish | site
(each with --help)."""

import argparse
import datetime as dt
import getpass
import hashlib
import os
import select
import signal
import sys
import time
from pathlib import Path

import duckdb

from oversight import __version__, audit
from oversight.db import (
    DatabaseError,
    attach_read_only,
    connect_memory,
    connect_read_only,
    failure_cause,
)
from oversight.demo import build_demo_database
from oversight.ingest import ExtractError, import_extract, recent_attempts
from oversight.ingest.describe import dry_run_lines
from oversight.ledger import LedgerError, ledger_path
from oversight.settings import (
    DEMO_DIR,
    SettingError,
    disclosure_threshold,
    import_memory_limit,
    resolve_db_path,
)
from oversight.status import data_status, recent_imports, table_row_counts

DB_HELP = "database file (default: $OVERSIGHT_DB, else data/oversight.duckdb)"


def _progress(started: float):
    def report(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    return report


def command_demo(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    progress = _progress(time.perf_counter())
    try:
        build_demo_database(db_path, Path(args.out), progress, force=args.force)
    except DatabaseError as error:
        print(f"Demo not built, nothing was changed: {error}", file=sys.stderr)
        return 1
    progress(f"demo database ready: {db_path}")
    return command_status(args)


def command_import(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    try:
        summary = import_extract(
            [Path(p) for p in args.paths],
            db_path,
            dry_run=args.dry_run,
            accept_rollback=args.accept_rollback,
            progress=_progress(time.perf_counter()),
        )
    except ExtractError as error:
        print(error.summary(), file=sys.stderr)
        print(f"The database {db_path} was not changed.", file=sys.stderr)
        return 1
    except DatabaseError as error:
        print(f"Import refused, nothing was changed: {error}", file=sys.stderr)
        return 1
    except LedgerError as error:
        print(f"The database {db_path} was not changed, but the attempt could not be recorded: "
              f"{error}", file=sys.stderr)  # fmt: skip
        return 2
    if summary.dry_run:
        return _print_dry_run(summary, db_path, args.accept_rollback)
    if not summary.written:
        print(f"Nothing to import into {db_path}: every row of the extract is stored as it is. "
              f"The database was not rewritten; attempt {summary.attempt_id} is recorded in "
              f"{ledger_path(db_path)}.")  # fmt: skip
    else:
        print(f"Import {summary.import_id} into {db_path} took {summary.seconds:.1f} s:")
    for f in summary.files:
        print(
            f"  {f.file_name} ({f.table}): {f.rows_read:,} rows read, {f.rows_added:,} added, "
            f"{f.rows_revised:,} revised, {f.rows_unchanged:,} unchanged; sha256 {f.sha256}"
        )
    if summary.rollbacks:
        _print_rollbacks("accepted with --accept-rollback, recorded in revisions", summary)
    _on_record(db_path, audit.IMPORT, {
        "import": summary.import_id if summary.written else None,
        "files": [{"name": f.file_name, "sha256": f.sha256, "rows_added": f.rows_added,
                   "rows_revised": f.rows_revised} for f in summary.files],
    })  # fmt: skip
    return 0


def _on_record(db_path: Path, event: str, detail: dict) -> None:
    """Put an import or a release made from the command line in the audit log, under the
    account that ran it. What it did is already done and recorded: a log that cannot be
    written is said, not a failure."""
    try:
        account = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        account = "an unnamed account"
    try:
        audit.record_now(db_path, f"{account} (command line)", "admin", event,
                         "command line", detail)  # fmt: skip
    except LedgerError as error:
        print(f"Warning: the audit log could not be written: {error}", file=sys.stderr)


def _print_rollbacks(verdict: str, summary) -> None:
    print(f"Revisions that roll stored data back ({verdict}): {len(summary.rollbacks)}")
    for rollback in summary.rollbacks:
        print(f"  - {rollback.file}, line {rollback.line}: {rollback.what}")


def _print_dry_run(summary, db_path: Path, accept_rollback: bool) -> int:
    """Print what an import would do; 1 if it would be refused (rollbacks not accepted)."""
    print(f"Dry run: nothing was written to {db_path}. The import would:")
    for line in dry_run_lines(summary):
        print(line)
    if not summary.rollbacks:
        return 0
    verdict = "refused unless run with --accept-rollback"
    if accept_rollback:
        verdict = "accepted with --accept-rollback"
    _print_rollbacks(verdict, summary)
    return 0 if accept_rollback else 1


def command_status(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    if not db_path.exists():
        print(f"No database at {db_path}. Build the demo with: python -m oversight demo")
        return 1
    try:
        con = connect_read_only(db_path)
    except DatabaseError as error:
        print(error)
        return 1
    try:
        status = data_status(con)
        counts = table_row_counts(con)
        imports = recent_imports(con, limit=args.imports)
    finally:
        con.close()
    print(f"Database: {db_path}")
    if status.synthetic:
        print("Data: SYNTHETIC demonstration data (not real reports)")
    print(f"As-at date: {status.as_at_date or 'none (no data stored)'}")
    if status.first_received_date:
        print(f"Reports received: {status.first_received_date} to {status.last_received_date}")
    print("Rows stored:")
    for table, count in counts.items():
        print(f"  {table:<18} {count:>12,}")
    print("Last imports:")
    if imports.empty:
        print("  none")
    for row in imports.itertuples():
        print(
            f"  #{row.import_id} {row.imported_at:%Y-%m-%d %H:%M:%S}  {row.file_name}: "
            f"{row.rows_read:,} read, {row.rows_added:,} added, {row.rows_revised:,} revised, "
            f"{row.rows_unchanged:,} unchanged"
        )
    try:
        attempts = recent_attempts(db_path, limit=args.imports)
    except LedgerError as error:
        print(f"Import attempts not shown: {error}")
        attempts = []
    if attempts:
        print("Last attempts that wrote nothing (dry runs, extracts already stored):")
    for attempt_id, attempted_at, result, detail in attempts:
        print(f"  attempt {attempt_id} {attempted_at:%Y-%m-%d %H:%M:%S}  {result}: {detail}")
    return 0


def command_snapshot(args: argparse.Namespace) -> int:
    from oversight.snapshot.build import SnapshotError
    from oversight.snapshot.release import prepare
    from oversight.snapshot.write import write_snapshot

    db_path = _stored_database(args)
    if db_path is None:
        return 1
    try:
        if args.public and args.previous:
            raise SnapshotError(
                "A public snapshot lists what changed since the period's last release in the "
                "register by itself: --previous is for internal snapshots."
            )
        con = connect_read_only(db_path)
        try:
            snapshot = prepare(con, db_path, args.public, args.period, args.first, args.last)
        finally:
            con.close()
        hashes = write_snapshot(snapshot, Path(args.out), args.previous and Path(args.previous))
    except (SnapshotError, DatabaseError, LedgerError, ValueError) as error:
        print(f"No snapshot written: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"No snapshot written: cannot write to {args.out}: {error.strerror or error}",
              file=sys.stderr)  # fmt: skip
        return 1
    kind = "a public (disclosure-controlled)" if snapshot.public else "an internal (exact figures)"
    print(f"Wrote {kind} snapshot of reports received {_period_words(snapshot)}, as at "
          f"{_as_at_words(snapshot)}, to {args.out}:")  # fmt: skip
    _print_files(hashes)
    if snapshot.public:
        print("A preview: nothing was recorded. Release it with: python -m oversight publish")
    if snapshot.revisions is not None:
        print(f"{len(snapshot.revisions)} figures changed since the earlier snapshot.")
    if snapshot.headline_value("reports") == 0:
        print("Note: no reports were received in this period; every figure is 0.")
    if snapshot.synthetic:
        print("Built from SYNTHETIC demonstration data.")
    return 0


def command_publish(args: argparse.Namespace) -> int:
    from oversight.snapshot.build import SnapshotError
    from oversight.snapshot.release import publish
    from oversight.snapshot.write import METADATA

    db_path = _stored_database(args)
    if db_path is None:
        return 1
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"Nothing released: {out} already exists and is not empty: choose a new folder.",
              file=sys.stderr)  # fmt: skip
        return 1
    try:
        con = connect_read_only(db_path)
        try:
            release_id, snapshot, files = publish(db_path, con, args.period, args.revise, out=out)
        finally:
            con.close()
    except (SnapshotError, DatabaseError, LedgerError, ValueError) as error:
        print(f"Nothing released: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Nothing released: the files cannot be written to {out}: "
              f"{error.strerror or error}.", file=sys.stderr)  # fmt: skip
        return 1
    _on_record(db_path, audit.PUBLISH, {"period": snapshot.period.key, "release": release_id,
                                        "revises": args.revise})  # fmt: skip
    print(f"Released {snapshot.period.label} (release {release_id}), as at "
          f"{_as_at_words(snapshot)}, recorded in {ledger_path(db_path)}; files in "
          f"{out}:")  # fmt: skip
    _print_files({n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != METADATA})
    if snapshot.revisions is not None:
        print(f"It revises the earlier release: {len(snapshot.revisions)} figures changed.")
    if snapshot.synthetic:
        print("Built from SYNTHETIC demonstration data.")
    return 0


def command_site(args: argparse.Namespace) -> int:
    from oversight.site.build import build_site
    from oversight.site.sources import SiteError

    db_path = _stored_database(args)
    if db_path is None:
        return 1
    try:
        built = build_site(db_path, Path(args.out))
    except (SiteError, LedgerError) as error:
        print(f"No site built: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"No site built: cannot write to {args.out}: {error.strerror or error}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"Built the public site in {args.out}: {built.pages:,} pages and {built.files:,} "
          f"released files, for {', '.join(built.periods)}. Serve the folder with any web "
          "server; build it again after each release.")  # fmt: skip
    return 0


def command_briefing(args: argparse.Namespace) -> int:
    from oversight.briefing.content import BriefingError
    from oversight.briefing.render import as_at_text, period_text
    from oversight.briefing.sources import database_briefing
    from oversight.briefing.write import write_briefing

    db_path = _stored_database(args)
    if db_path is None:
        return 1
    try:
        con = connect_read_only(db_path)
        try:
            briefing = database_briefing(con, db_path, args.force, args.period, args.public)
        finally:
            con.close()
        written = write_briefing(briefing, Path(args.out))
    except (BriefingError, DatabaseError, LedgerError, OSError) as error:
        # an OSError here is the folder's (the database's own failures are DatabaseError)
        cause = (
            f"cannot write to {args.out}: {error.strerror or error}"
            if isinstance(error, OSError)
            else error
        )
        print(f"No briefing written: {cause}", file=sys.stderr)
        return 1
    kind = "a public (disclosure-controlled)" if briefing.public else "an internal (exact figures)"
    print(f"Wrote {kind} briefing on {briefing.force_name}, reports received "
          f"{period_text(briefing)}, as at {as_at_text(briefing)}, to {args.out}:")  # fmt: skip
    for path in (written.html, written.pdf):
        if path is not None:
            print(f"  {path.name}")
    count = len(briefing.questions)
    print(f"Questions for the chief constable: {count or 'none'} (each only where the figures "
          "support it).")  # fmt: skip
    if written.pdf is None:
        print(written.pdf_problem)
    if briefing.synthetic:
        print("Built from SYNTHETIC demonstration data.")
    _on_record(db_path, audit.BRIEFING, {
        "force": briefing.force, "public": briefing.public,
        "period": f"{briefing.first_date} to {briefing.last_date}",
    })  # fmt: skip
    return 0


def _stored_database(args: argparse.Namespace) -> Path | None:
    """The database to read, or None (said on standard error) where there is none."""
    db_path = resolve_db_path(args.db)
    if db_path.exists():
        return db_path
    print(f"No database at {db_path}. Build the demo with: python -m oversight demo",
          file=sys.stderr)  # fmt: skip
    return None


def _period_words(snapshot) -> str:
    from oversight.snapshot.commentary import period_words

    return period_words(snapshot.first_date, snapshot.last_date, snapshot.public)


def _as_at_words(snapshot) -> str:
    from oversight.snapshot.commentary import as_at_words

    return as_at_words(snapshot.as_at, snapshot.public)


def _print_files(hashes: dict[str, str]) -> None:
    for name, digest in hashes.items():
        print(f"  {name}  sha256 {digest}")


def _public_period(parse):
    """An argparse type from a periods parser: its ValueError becomes a usage error."""

    def parsed(text: str):
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parsed


def _period_options(command: argparse.ArgumentParser, required: bool) -> None:
    """--year and --quarter, one of them (the fixed periods of docs/metrics.md)."""
    from oversight.snapshot.periods import FOLLOW_UP_MONTHS, parse_quarter, parse_year

    group = command.add_mutually_exclusive_group(required=required)
    group.add_argument("--year", dest="period", type=_public_period(parse_year), metavar="YYYY",
                       help="the financial year from 1 April YYYY to 31 March the next "
                       "year")  # fmt: skip
    group.add_argument("--quarter", dest="period", type=_public_period(parse_quarter),
                       metavar="YYYY-Q", help="quarter Q (1 = April to June) of that "
                       "financial year")  # fmt: skip
    command.epilog = (
        f"A public period can be released once the data runs {FOLLOW_UP_MONTHS} months past "
        "its end."
    )


# Dates a period may give: a period's comparison period and its months are worked out from it,
# and Python's dates end at the year 9999.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _date(text: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    if not EARLIEST <= date <= LATEST:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date between 1900 and 2999")
    return date


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def parser() -> argparse.ArgumentParser:
    """The argument parser, with a sub-command per action."""
    main = argparse.ArgumentParser(
        prog="python -m oversight",
        description="Oversight: statistics for the Police Anti-Corruption and Abuse Reporting "
        "Service. Import extracts, build the demo database, show what is stored, write snapshots.",
        epilog="Exit status: 0 done; 1 refused (a bad extract, a file that is not an Oversight "
        "database); 2 the environment failed (a bad setting, a full or read-only disk, a damaged "
        "database) or the command was given wrong arguments. The database is left as it was "
        "whenever a command fails.",
    )
    main.add_argument("--version", action="version", version=f"oversight {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="build the demo database from synthetic data",
        description="Generate the synthetic demonstration extract (CSV files in the data "
        "contract's format) and import it as a fresh database, replacing what the database held.",
    )
    demo.add_argument("--db", help=DB_HELP)
    demo.add_argument("--out", default=str(DEMO_DIR), help="where to write the demo CSV files")
    demo.add_argument(
        "--force", action="store_true", help="replace the database even if it holds real data"
    )
    demo.add_argument("--imports", type=int, default=3, help=argparse.SUPPRESS)
    demo.set_defaults(run=command_demo)

    imp = commands.add_parser(
        "import",
        help="import extracts (CSV files, folders of them, or .xlsx workbooks)",
        description="Import an extract: reports.csv, referrals.csv and/or outcomes.csv, a folder "
        "holding them, or an .xlsx workbook with sheets named reports, referrals, outcomes. "
        "All or nothing: if any rule of the data contract is broken, or a revision would roll "
        "stored data back, every problem found is listed on standard error, nothing is written, "
        "and the exit status is 1. An extract that changes nothing leaves the database file as "
        "it is and is recorded as an attempt in the ledger beside it.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="extract files or folders")
    imp.add_argument("--db", help=DB_HELP)
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="check the extract and report what it would add, revise and leave unchanged, per "
        "table with examples; write nothing to the database (the attempt goes in its ledger)",
    )
    imp.add_argument(
        "--accept-rollback",
        action="store_true",
        help="accept revisions that roll stored data back (blank a stored date, move a referral "
        "back to pending, move an outcome to another referral), recording them as such",
    )
    imp.set_defaults(run=command_import)

    status = commands.add_parser(
        "status",
        help="show what the database holds",
        description="Print rows per table, the as-at date and the last imports.",
    )
    status.add_argument("--db", help=DB_HELP)
    status.add_argument("--imports", type=_positive, default=3, help="how many imports to list")
    status.set_defaults(run=command_status)

    snap = commands.add_parser(
        "snapshot",
        help="write a transparency snapshot (published tables, cover note, spreadsheet, report)",
        description="Write the published tables of docs/metrics.md as CSV files, with a cover "
        "note (README.md), snapshot.xlsx, snapshot.html and metadata.json, into a new folder. "
        "Without --public the figures are exact (internal, not for publication), for any "
        "period. With it every table follows the disclosure rules (threshold: "
        "$OVERSIGHT_DISCLOSURE_THRESHOLD, default 5), for a financial year or a quarter only, "
        "audited against the releases already made: a preview, which records nothing.",
    )
    snap.add_argument("--out", required=True, metavar="DIR", help="folder to create")
    snap.add_argument("--db", help=DB_HELP)
    _period_options(snap, required=False)
    snap.add_argument("--from", dest="first", type=_date, metavar="DATE",
                      help="first received date (internal only; default: the first "
                      "stored)")  # fmt: skip
    snap.add_argument("--to", dest="last", type=_date, metavar="DATE",
                      help="last received date, inclusive (internal only; default: the last "
                      "stored)")  # fmt: skip
    snap.add_argument("--public", action="store_true", help="apply disclosure control")
    snap.add_argument("--previous", metavar="DIR", help="an earlier internal snapshot of the "
                      "same period: list what changed")  # fmt: skip
    snap.set_defaults(run=command_snapshot)

    pub = commands.add_parser(
        "publish",
        help="release a financial year or a quarter: record it in the register, write its files",
        description="Release the public snapshot of a financial year or a quarter: audited "
        "against every release already made, recorded in the register beside the database "
        "(<database>.ledger.duckdb: period, as-at date, time, every cell, the files), and "
        "written into a new folder. Each period is released once; --revise releases it again "
        "at the annual revision point.",
    )
    _period_options(pub, required=True)
    pub.add_argument("--out", required=True, metavar="DIR", help="folder to create")
    pub.add_argument("--db", help=DB_HELP)
    pub.add_argument("--revise", action="store_true",
                     help="release an already released period again (at the annual "
                     "revision point)")  # fmt: skip
    pub.set_defaults(run=command_publish)

    site = commands.add_parser(
        "site",
        help="build the public website (static HTML) of every release in the register",
        description="Build a static website from the register of public releases: an index of "
        "releases, each release's report, map, a page per force and every released file "
        "exactly as released. Plain HTML, one CSS file and inline SVG charts: no JavaScript, "
        "no request to any other site; any web server can serve the folder, and it opens "
        "offline. A site built there before is replaced.",
    )
    site.add_argument("--out", required=True, metavar="DIR", help="folder to build the site in")
    site.add_argument("--db", help=DB_HELP)
    site.set_defaults(run=command_site)

    brief = commands.add_parser(
        "briefing",
        help="write a briefing on one force (HTML and PDF) for its accountability meeting",
        description="Write briefing.html (self-contained, printable, inline SVG charts) and "
        "briefing.pdf (printed from it by headless chromium, where it is installed) into DIR: "
        "the force's figures beside its region, England and Wales and its most similar forces, "
        "trends, outcomes, timeliness, referrals overdue now, fairness, and questions for the "
        "chief constable written from the figures. Internal (exact) by default, for a year, a "
        "quarter or everything stored; with --public, disclosure-controlled, for a year or a "
        "quarter only, and without subject characteristics.",
    )
    brief.add_argument(
        "--force",
        required=True,
        metavar="CODE",
        help="the force's code in data/forces.csv (kent, metropolitan, ...)",
    )
    brief.add_argument("--out", required=True, metavar="DIR",
                       help="folder to write into (made if need be)")  # fmt: skip
    brief.add_argument("--db", help=DB_HELP)
    _period_options(brief, required=False)
    brief.add_argument("--public", action="store_true",
                       help="apply the public disclosure rules and periods")  # fmt: skip
    brief.set_defaults(run=command_briefing)
    return main


# Exit status when the environment fails (a bad setting, a full or read-only disk, a damaged
# database), as opposed to 1 when a command refuses what it was asked (a bad extract).
ENVIRONMENT_FAILED = 2
# What each command says first when it fails so; those that write add that nothing changed.
FAILED = {
    "demo": "Demo not built",
    "import": "Import failed",
    "status": "Status not shown",
    "snapshot": "No snapshot written",
    "publish": "Nothing released",
    "site": "No site built",
    "briefing": "No briefing written",
}
WRITES_DATABASE = {"demo", "import"}


def _check_settings(args: argparse.Namespace) -> None:
    """Read the settings the command will use, so a bad one is reported before it starts."""
    resolve_db_path(getattr(args, "db", None))
    if args.command in WRITES_DATABASE:
        import_memory_limit()
    if getattr(args, "public", False) or args.command == "publish":
        disclosure_threshold()


def _check_database_file(args: argparse.Namespace) -> None:
    """A writing command tries the live file first as the readers open it (connect_read_only):
    a file that is not DuckDB's, or that DuckDB cannot open, is refused in plain words, and a
    damaged one stops the command, before the importer's own attach reports them otherwise."""
    db_path = resolve_db_path(getattr(args, "db", None))
    if args.command in WRITES_DATABASE and db_path.exists():
        with connect_memory() as con:
            attach_read_only(con, db_path, "live")


def _environment_failed(args: argparse.Namespace, cause: str) -> int:
    unchanged = " The database was not changed." if args.command in WRITES_DATABASE else ""
    print(f"{FAILED.get(args.command, 'Failed')}: {cause}{unchanged}", file=sys.stderr)
    return ENVIRONMENT_FAILED


# Exit status when whoever read the output went away (`| head`): a program killed by SIGPIPE's
READER_GONE = 128 + signal.SIGPIPE


def _output_closed() -> bool:
    """Whether standard output is a pipe whose reader has gone (the broken pipe was not a
    file's or a child process's)."""
    poller = select.poll()
    poller.register(sys.stdout.fileno(), 0)  # an error on the file is reported whatever is asked
    return any(event & select.POLLERR for _, event in poller.poll(0))


def _reader_gone() -> int:
    """The command's work is done (a release recorded, an import made), but whoever read its
    output stopped reading: say nothing more, and let the exit's own flush write nowhere
    rather than fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return READER_GONE


def main(argv: list[str] | None = None) -> int:
    """Run the command; a failure of the settings, the disk or the database file is told in one
    line (exit status 2), never as a traceback."""
    args = parser().parse_args(argv)
    try:
        _check_settings(args)
        _check_database_file(args)
        status = args.run(args)
        sys.stdout.flush()  # now, not at exit, so that a reader gone away is caught below
        return status
    except BrokenPipeError as error:
        if _output_closed():
            return _reader_gone()
        cause = failure_cause(error, resolve_db_path(getattr(args, "db", None)))
        return _environment_failed(args, cause)
    except SettingError as error:
        return _environment_failed(args, f"Oversight is not configured correctly: {error}.")
    except DatabaseError as error:  # from _check_database_file: refused, like a bad extract
        print(f"{args.command.capitalize()} refused, nothing was changed: {error}", file=sys.stderr)
        return 1
    except (OSError, duckdb.Error) as error:
        cause = failure_cause(error, resolve_db_path(getattr(args, "db", None)))
        return _environment_failed(args, cause)


if __name__ == "__main__":
    sys.exit(main())
