"""A released snapshot read back from its own files (as the register keeps them), so that the
public dashboard shows exactly what was published, whatever has been imported since."""

import datetime as dt
import io
import json

import pandas as pd

from oversight.filters import month_end
from oversight.snapshot.model import SUPPRESSED, TABLES, Revision, Snapshot, TableSpec
from oversight.snapshot.periods import parse_period
from oversight.snapshot.write import METADATA

# Columns that hold text, not numbers.
TEXT_COLUMNS = ("measure", "force_code", "force_name", "category", "month", "channel")


class ReleaseFormatError(ValueError):
    """A release published with tables of another layout than this Oversight draws (the
    register keeps every release as published, whatever changes later)."""


def released_snapshot(files: dict[str, bytes]) -> Snapshot:
    """The snapshot a release's files describe: its tables as published ([c] included), its
    period, as-at month, notes, comparison and revisions."""
    meta = json.loads(files[METADATA].decode("utf-8"))
    period = parse_period(meta["period"]["key"])
    comparison = meta.get("comparison") or {}
    previous = comparison.get("headline")
    before = comparison.get("period", {})
    return Snapshot(
        tables={spec.name: _table(files.get(f"{spec.name}.csv"), spec) for spec in TABLES},
        first_date=period.first,
        last_date=period.last,
        as_at=_month(meta["as_at_month"]),
        generated_at=dt.datetime.fromisoformat(meta["generated_at"]),
        public=True,
        threshold=meta["disclosure_control"]["threshold"],
        synthetic=meta["synthetic_data"],
        software_version=meta["software"]["version"],
        previous_headline=None if previous is None else _headline(previous),
        previous_first_date=_month(before["first_month"]) if previous else None,
        previous_last_date=_month(before["last_month"], end=True) if previous else None,
        no_comparison_reason=comparison.get("reason_none", ""),
        revisions=None
        if meta.get("revisions") is None
        else [Revision(**revision) for revision in meta["revisions"]],
        previous_generated_at=(meta.get("previous_snapshot") or {}).get("generated_at"),
        notes=meta.get("notes", []),
        period=period,
    )


def _headline(values: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"measure": list(values), "value": [_number(v) for v in values.values()]})


def _table(data: bytes | None, spec: TableSpec) -> pd.DataFrame:
    if data is None:
        # a table added after the release was made (the outcomes decided in the period): empty
        return pd.DataFrame(columns=list(spec.columns))
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    if list(frame.columns) != list(spec.columns):
        raise ReleaseFormatError(f"{spec.name}.csv was published with other columns")
    return pd.DataFrame(
        {
            column: list(frame[column])
            if column in TEXT_COLUMNS
            else [_number(value) for value in frame[column]]
            for column in spec.columns
        },
        columns=list(spec.columns),
    )


def _number(text: str):
    """A published cell as the model holds it: an int, a float, None (empty) or [c]."""
    if text == SUPPRESSED:
        return text
    if text == "":
        return None
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def _month(text: str, end: bool = False) -> dt.date:
    first = dt.date.fromisoformat(f"{text}-01")
    return month_end(first) if end else first
