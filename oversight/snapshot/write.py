"""Writing a snapshot folder: the published CSV files, the cover note (README.md),
snapshot.xlsx, snapshot.html and metadata.json; comparing with an earlier snapshot."""

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from oversight import disclosure
from oversight.exports import neutralise_formulas
from oversight.snapshot.build import SnapshotError
from oversight.snapshot.commentary import as_at_words, period_words
from oversight.snapshot.model import TABLES, Revision, Snapshot, TableSpec
from oversight.snapshot.report import write_report
from oversight.snapshot.tables import ROW_KEYS
from oversight.snapshot.workbook import write_workbook

COVER = "README.md"
METADATA = "metadata.json"
WORKBOOK = "snapshot.xlsx"
REPORT = "snapshot.html"
# Columns written with exactly 2 decimal places (rates, officer-years), and days (to 0.5, so
# one place).
RATE_COLUMNS = ("reports_per_1000_officers_a_year", "officer_years")
DAY_COLUMNS = ("median_days", "p90_days")
EXPERIMENTAL = (
    "These are experimental statistics: new official statistics still in development, "
    "published so that users can help shape them. Treat them with caution."
)


def table_text(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """A published table as the text its CSV file holds: counts as whole numbers, rates to 2
    decimal places, days to 1, "" where not computable, text that a spreadsheet would run as
    a formula made inert."""
    text = pd.DataFrame(
        {column: [_cell(v, column) for v in frame[column]] for column in spec.columns},
        columns=list(spec.columns),
    )
    return neutralise_formulas(text)


def table_csv(frame: pd.DataFrame, spec: TableSpec) -> bytes:
    """A published table as CSV bytes (UTF-8, no byte-order mark, \\n line ends)."""
    buffer = io.StringIO()
    table_text(frame, spec).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _cell(value, column: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if column in RATE_COLUMNS:
        return f"{value:.2f}"
    if column in DAY_COLUMNS:
        return f"{value:.1f}".removesuffix(".0")
    if isinstance(value, float) and value.is_integer() and column != "officer_fte":
        return str(int(value))
    return str(value)


def snapshot_files(
    snapshot: Snapshot, previous_dir: Path | None = None, now: dt.datetime | None = None
) -> tuple[Snapshot, dict[str, bytes]]:
    """Every file of the snapshot, by name (the one code path behind the command line's folder,
    the Publish page's zip and a release in the register), and the snapshot as written:
    generated_at is now, when the files are made, not when the figures were computed. With
    previous_dir, the figures that changed since that earlier internal snapshot of the same
    period are listed (snapshot.revisions)."""
    snapshot = dataclasses.replace(
        snapshot, generated_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    )
    csvs = {f"{spec.name}.csv": table_csv(snapshot.tables[spec.name], spec) for spec in TABLES}
    if previous_dir is not None:
        compare_with_previous(snapshot, Path(previous_dir), csvs)
    files = dict(csvs)
    with tempfile.TemporaryDirectory() as scratch:
        write_workbook(snapshot, Path(scratch) / WORKBOOK)
        write_report(snapshot, Path(scratch) / REPORT)
        for name in (WORKBOOK, REPORT):
            files[name] = (Path(scratch) / name).read_bytes()
    files[COVER] = cover_note(snapshot).encode("utf-8")
    # metadata.json describes the others
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    files[METADATA] = (
        json.dumps(metadata(snapshot, hashes), indent=2, ensure_ascii=False) + "\n"
    ).encode("utf-8")
    return snapshot, files


def write_files(files: dict[str, bytes], out_dir: Path) -> None:
    """Write the files into out_dir (which must not exist, or be empty), all or nothing."""
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise SnapshotError(f"{out_dir} already exists and is not empty: choose a new folder.")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, data in files.items():
            (building / name).write_bytes(data)
        os.chmod(building, 0o755)
        if out_dir.exists():
            out_dir.rmdir()  # empty: checked above
        os.replace(building, out_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def write_snapshot(
    snapshot: Snapshot, out_dir: Path, previous_dir: Path | None = None
) -> dict[str, str]:
    """Write every file of the snapshot into out_dir (which must not exist, or be empty), all
    or nothing; returns {file name: sha256} of the files metadata.json describes."""
    written, files = snapshot_files(snapshot, previous_dir)
    snapshot.revisions = written.revisions
    snapshot.previous_generated_at = written.previous_generated_at
    write_files(files, out_dir)
    return {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items() if name != METADATA
    }


def zip_name(snapshot: Snapshot) -> str:
    """The folder inside a snapshot's zip, and the zip's name without .zip."""
    period = snapshot.period.key if snapshot.period is not None else ""
    return snapshot_name(snapshot.first_date, snapshot.last_date, snapshot.public, period,
                         snapshot.forces)  # fmt: skip


def snapshot_name(
    first: dt.date, last: dt.date, public: bool, period: str = "", forces: tuple[str, ...] = ()
) -> str:
    """zip_name of the snapshot of that period, known before it is built (a download's name)."""
    whose = "".join(f"{code}_" for code in forces)
    return (
        f"oversight_snapshot_{whose}{period or f'{first}_{last}'}_"
        f"{'public' if public else 'internal'}"
    )


def files_zip(files: dict[str, bytes], folder: str) -> bytes:
    """Files in one zip (for a download), under one folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            # a fixed timestamp: the same files give the same zip
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def snapshot_zip(snapshot: Snapshot, now: dt.datetime | None = None) -> bytes:
    """Every file of the snapshot in one zip (for a download), under a folder named for it."""
    return files_zip(snapshot_files(snapshot, now=now)[1], zip_name(snapshot))


def compare_with_previous(snapshot: Snapshot, previous_dir: Path, csvs: dict[str, bytes]) -> None:
    """Set snapshot.revisions to every published figure that differs from the earlier snapshot
    in previous_dir, which must be of the same period and the same audience."""
    try:
        before = json.loads((previous_dir / METADATA).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SnapshotError(
            f"{previous_dir} is not a snapshot folder (cannot read its {METADATA}: {error})."
        ) from error
    period = before.get("period", {})
    wanted = {"first_date": str(snapshot.first_date), "last_date": str(snapshot.last_date)}
    if {k: period.get(k) for k in wanted} != wanted:
        raise SnapshotError(
            f"The earlier snapshot in {previous_dir} covers {period.get('first_date')} to "
            f"{period.get('last_date')}, not {snapshot.first_date} to {snapshot.last_date}: "
            "revisions compare snapshots of the same period."
        )
    if bool(before.get("public")) != snapshot.public:
        raise SnapshotError(
            f"The earlier snapshot in {previous_dir} is "
            f"{'public' if before.get('public') else 'internal'} and this one is "
            f"{'public' if snapshot.public else 'internal'}: compare like with like (a public "
            "snapshot must never list exact figures)."
        )
    revisions = []
    for spec in TABLES:
        path = previous_dir / f"{spec.name}.csv"
        if not path.exists():
            raise SnapshotError(f"The earlier snapshot in {previous_dir} has no {path.name}.")
        old = _cells(path.read_bytes(), spec.name)
        new = _cells(csvs[f"{spec.name}.csv"], spec.name)
        for row in [*new, *(r for r in old if r not in new)]:
            for column in spec.columns:
                if column in ROW_KEYS[spec.name]:
                    continue
                was = old.get(row, {}).get(column, "")
                now = new.get(row, {}).get(column, "")
                if was != now:
                    revisions.append(Revision(spec.name, row, column, was, now))
    snapshot.revisions = revisions
    snapshot.previous_generated_at = before.get("generated_at")


def _cells(data: bytes, name: str) -> dict[str, dict[str, str]]:
    """A published CSV's cells by row key, then column."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {"/".join(row[k] for k in ROW_KEYS[name]): row for row in rows}


def metadata(snapshot: Snapshot, hashes: dict[str, str]) -> dict:
    """What metadata.json holds (docs/metrics.md, "The published tables")."""
    return {
        "title": title(snapshot),
        # a force's own snapshot names its forces (every table counts only them)
        **({"forces": _forces(snapshot)} if snapshot.forces else {}),
        "period": _period(snapshot),
        # months only in public: no public output names a date finer than a month
        **(
            {"as_at_month": f"{snapshot.as_at:%Y-%m}"}
            if snapshot.public
            else {"as_at_date": str(snapshot.as_at)}
        ),
        "generated_at": snapshot.generated_at.isoformat(),
        "software": {"name": "oversight", "version": snapshot.software_version},
        "public": snapshot.public,
        "experimental_statistics": True,
        "synthetic_data": snapshot.synthetic,
        "disclosure_control": {
            "applied": snapshot.public,
            "threshold": snapshot.threshold,
            "symbol": disclosure.SUPPRESSED,
            "rules": list(disclosure.rules(snapshot.threshold)) if snapshot.public else [],
        },
        "tables": [
            {
                "file": f"{spec.name}.csv",
                "title": spec.title,
                "description": spec.description,
                "columns": list(spec.columns),
                "rows": len(snapshot.tables[spec.name]),
            }
            for spec in TABLES
        ],
        "previous_snapshot": (
            None if snapshot.revisions is None else {"generated_at": snapshot.previous_generated_at}
        ),
        "revisions": (
            None
            if snapshot.revisions is None
            else [
                {"table": r.table, "row": r.row, "column": r.column, "old": r.old, "new": r.new}
                for r in snapshot.revisions
            ]
        ),
        "comparison": _comparison(snapshot),
        "notes": snapshot.notes,
        # the extracts' names, import times and row counts are internal detail, not published
        "sources": [] if snapshot.public else snapshot.sources,
        "files": hashes,
    }


def _forces(snapshot: Snapshot) -> list[dict]:
    pairs = zip(snapshot.forces, snapshot.force_names, strict=True)
    return [{"force_code": code, "force_name": name} for code, name in pairs]


def _period(snapshot: Snapshot) -> dict:
    if not snapshot.public:
        return {
            "first_date": str(snapshot.first_date),
            "last_date": str(snapshot.last_date),
            "dates": "received_at of the reports, both dates inclusive",
        }
    return {
        "name": snapshot.period.label if snapshot.period is not None else "",
        "key": snapshot.period.key if snapshot.period is not None else "",
        "first_month": f"{snapshot.first_date:%Y-%m}",
        "last_month": f"{snapshot.last_date:%Y-%m}",
        "dates": "received_at of the reports, both months whole and inclusive",
    }


def _comparison(snapshot: Snapshot) -> dict:
    """The earlier period's headline the commentary compares with (as published), or why
    there is none."""
    if snapshot.previous_headline is None:
        return {"reason_none": snapshot.no_comparison_reason}
    first, last = snapshot.previous_first_date, snapshot.previous_last_date
    spec = next(spec for spec in TABLES if spec.name == "headline")
    text = table_text(snapshot.previous_headline, spec)
    return {
        "period": (
            {"first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}"}
            if snapshot.public
            else {"first_date": str(first), "last_date": str(last)}
        ),
        "headline": dict(zip(text["measure"], text["value"], strict=True)),
    }


def title(snapshot: Snapshot) -> str:
    """The snapshot's title, with its period (months only in public), and whose it is when
    it is a force's own."""
    if snapshot.forces:
        return (
            f"{snapshot.whose}: internal snapshot, reports received "
            f"{snapshot.first_date:%d %B %Y} to {snapshot.last_date:%d %B %Y}"
        )
    return (
        "Police Anti-Corruption and Abuse Reporting Service: reports received "
        + period_words(snapshot.first_date, snapshot.last_date, snapshot.public, long=True)
        if snapshot.public
        else "Police Anti-Corruption and Abuse Reporting Service: reports received "
        f"{snapshot.first_date:%d %B %Y} to {snapshot.last_date:%d %B %Y}"
    )


def cover_note(snapshot: Snapshot) -> str:
    """The human-readable cover note (README.md) of a snapshot folder."""
    lines = [f"# {title(snapshot)}", ""]
    if snapshot.synthetic:
        lines += [
            "> **Synthetic demonstration data.** Every figure here was generated by a program, "
            "not taken from real reports.",
            "",
        ]
    audience = (
        "**Public snapshot**: every table is disclosure-controlled (rules below)."
        if snapshot.public
        else "**Internal snapshot, not for publication**: exact figures, small numbers "
        "included. Publish only a snapshot made with `--public`."
    )
    if snapshot.forces:
        whose = snapshot.whose
        audience = (
            f"**Internal snapshot of {whose}, for {whose} only, not for publication**: exact "
            f"figures, small numbers included. It covers {whose} only: reports about people "
            f"working for {whose}, and the referrals {whose} received with their outcomes so "
            "far. It holds no other force's figures and no England and Wales totals. Share it "
            "only with staff entitled to see these figures."
        )
    lines += [
        audience,
        "",
        f"- Period: reports received {_period_words(snapshot)} (both inclusive)",
        f"- As at: {as_at_words(snapshot.as_at, snapshot.public, long=True)} (the latest date "
        "in the stored extracts; referrals and outcomes so far, by then)",
        f"- Generated: {snapshot.generated_at:%Y-%m-%d %H:%M} UTC by Oversight "
        f"{snapshot.software_version}",
        "",
        EXPERIMENTAL,
        "",
        "## Files",
        "",
    ]
    for spec in TABLES:
        lines.append(f"- `{spec.name}.csv`: {spec.title}. {spec.description}")
    lines += [
        f"- `{WORKBOOK}`: the same tables as an accessible spreadsheet.",
        f"- `{REPORT}`: a printable report with charts, commentary and methodology.",
        f"- `{METADATA}`: period, as-at date, rules applied, revisions, and the SHA-256 of "
        "every file.",
        "",
        "Rates are given to 2 decimal places and days to 1; a value that cannot be computed "
        "(no officer figure for the force, nothing to measure) is left empty, never 0.",
        "",
        "## Disclosure control",
        "",
    ]
    if snapshot.public:
        lines += [f"- {rule}" for rule in disclosure.rules(snapshot.threshold)]
    else:
        lines.append("None applied: this internal snapshot holds exact figures.")
    lines += ["", "## Revisions", ""]
    if snapshot.revisions is None and snapshot.public:
        lines.append("This is the first release of this period.")
    elif snapshot.revisions is None:
        lines.append("No earlier snapshot of this period was compared.")
    elif not snapshot.revisions:
        lines.append(
            "No figure changed since the earlier snapshot of this period "
            f"(generated {snapshot.previous_generated_at})."
        )
    else:
        lines += [
            f"{len(snapshot.revisions)} figures changed since the earlier snapshot of this "
            f"period (generated {snapshot.previous_generated_at}):",
            "",
            "| table | row | column | was | now |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r.table} | {_md(r.row)} | {r.column} | {_md(r.old) or '(empty)'} | "
            f"{_md(r.new) or '(empty)'} |"
            for r in snapshot.revisions
        ]
    lines += ["", "## Notes", ""]
    lines += [f"- {note}" for note in snapshot.notes]
    return "\n".join(lines) + "\n"


def _period_words(snapshot: Snapshot) -> str:
    if snapshot.public:
        return period_words(snapshot.first_date, snapshot.last_date, True, long=True)
    return f"{snapshot.first_date:%d %B %Y} to {snapshot.last_date:%d %B %Y}"


def _md(text: str) -> str:
    return text.replace("|", "\\|")
