"""The public Published figures page: what it shows, built from a release's own tables only (as
the register keeps them, read back by oversight.snapshot.reading), never from live data.

Everything here is for people, not files: plain words for every code (force names, not
force_code), counts with thousands separators, whole days, and [c] kept as [c] (never shown as
0 or left out). A table of a kind this module has no words for (a table added to the release
later) is still shown: its columns and codes in words made from their names.
"""

import csv
import dataclasses
import functools
import numbers
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from oversight.analysis.decided import DECIDED_MEASURES
from oversight.analysis.reports import CATEGORY_LABELS, CHANNEL_LABELS
from oversight.constants import MIN_BASE
from oversight.contract import UNKNOWN_FORCE
from oversight.settings import FORCES_CSV
from oversight.snapshot.commentary import (
    as_number,
    format_month,
    is_empty,
    is_suppressed,
    period_words,
)
from oversight.snapshot.model import SUPPRESSED, TABLES, Revision, Snapshot
from oversight.snapshot.report import HEADLINE_LABELS, TIME_LABELS, national_rate
from oversight.snapshot.tables import ROW_KEYS

NUMBER_TEXT = re.compile(r"-?[\d,]+(\.\d+)?( days)?")
EMPTY_MARK = "–"  # a cell that cannot be computed (no officer figure, a median not reached)
NATIONAL_NAME = "England and Wales"
WHOLE_SERVICE_NAME = "Every force in the service"

# Plain words for the published columns, by table where one word does not fit every table
# (the outcomes decided in the period by force: named as the staff pages name them).
COLUMN_LABELS = {
    **{measure: label for measure, (label, _) in DECIDED_MEASURES.items()},
    "force_name": "Force",
    "reports": "Reports",
    "officer_fte": "Officers (full-time equivalent)",
    "officer_years": "Officer-years counted",
    "reports_per_1000_officers_a_year": "Reports per 1,000 officers a year",
    "category": "Category",
    "month": "Month",
    "channel": "How the report was made",
    "referrals": "Referrals received",
    "investigations": "Investigations",
    "case_to_answer": "Case to answer",
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed",
    "cases": "Cases measured",
    "median_days": "Half took no longer than (days)",
    "p90_days": "9 in 10 took no longer than (days)",
    "value": "Number",
}
TABLE_COLUMN_LABELS = {
    ("headline", "measure"): "Figure",
    ("timeliness", "measure"): "Stage",
}
# Words for the codes a text column holds, by column.
VALUE_LABELS = {
    "measure": {**HEADLINE_LABELS, **TIME_LABELS},
    "category": CATEGORY_LABELS,
    "channel": CHANNEL_LABELS,
}
RATE_COLUMN = "reports_per_1000_officers_a_year"
RATE_WORDS = "Per 1,000 officers a year"  # beside "Reports": the heading a phone has room for
# Decimal places a non-count number is shown with; any other is shown whole.
DECIMALS = {RATE_COLUMN: 1}


# --- cells ----------------------------------------------------------------------------------


def rounded(number: float, decimals: int = 0) -> Decimal:
    """A published number to so many decimal places, halves rounded up, as written in the
    release (73.45 -> 73.5, where binary floating point would give 73.4)."""
    return Decimal(repr(float(number))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def whole_days(days: float) -> int:
    """Days as a whole number, halves rounded up (340.5 -> 341)."""
    return int(rounded(days))


def is_days(column: str) -> bool:
    return column.endswith("_days")


def words(code: str) -> str:
    """A code in words, for a code this module has no words for: "would_have_been" ->
    "Would have been"."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def column_label(table: str, column: str) -> str:
    """The plain words heading a published column."""
    return TABLE_COLUMN_LABELS.get((table, column)) or COLUMN_LABELS.get(column) or words(column)


def value_label(column: str, value) -> str:
    """A text cell in words: a measure, category or channel named, a month as "Apr 2024"."""
    if column == "month":
        return format_month(pd.Timestamp(f"{value}-01").date())
    return VALUE_LABELS.get(column, {}).get(value) or words(value)


def cell_text(value, column: str) -> str:
    """A published number as shown: [c] as it is, empty as –, counts with thousands
    separators, days whole, rates to one decimal place, officers whole."""
    if is_suppressed(value):
        return SUPPRESSED
    if is_empty(value):
        return EMPTY_MARK
    number = as_number(value)
    if number is None:
        return str(value)
    if is_days(column):
        return f"{whole_days(number):,}"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    return f"{rounded(number, DECIMALS.get(column, 0)):,}"


def numeric_columns(shown: pd.DataFrame) -> list[str]:
    """The columns of a shown table that hold numbers (with [c] and – among them): they are
    aligned to the right, so that units line up."""
    return [
        column
        for column in shown.columns
        if len(shown)
        and all(
            NUMBER_TEXT.fullmatch(str(v)) or v in (SUPPRESSED, EMPTY_MARK) for v in shown[column]
        )
    ]


def is_text_column(frame: pd.DataFrame, column: str) -> bool:
    """Whether a column holds words or codes (not numbers, [c] or empty cells)."""
    values = [v for v in frame[column] if not is_suppressed(v) and not is_empty(v)]
    return bool(values) and all(isinstance(v, str) for v in values)


def people_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A released table in words: codes named (a force by its name, its code left out), columns
    headed in plain words, every number as cell_text shows it."""
    columns = [
        c for c in frame.columns if not (c.endswith("_code") and f"{c[:-5]}_name" in frame.columns)
    ]
    shown = {}
    for column in columns:
        if column.endswith("_name"):
            shown[column] = [str(v) for v in frame[column]]
        elif is_text_column(frame, column):
            shown[column] = [value_label(column, v) for v in frame[column]]
        else:
            shown[column] = [cell_text(v, column) for v in frame[column]]
    return pd.DataFrame(
        {column_label(name, c): values for c, values in shown.items()},
        columns=[column_label(name, c) for c in columns],
    )


def marks_note(frame: pd.DataFrame, threshold: int) -> str:
    """What the marks in a table mean, for the caption under it ("" if it holds none)."""
    values = [v for column in frame.columns for v in frame[column]]
    notes = []
    if any(is_suppressed(v) for v in values):
        notes.append(suppressed_words(threshold))
    if any(is_empty(v) for v in values):
        notes.append(
            f"{EMPTY_MARK} means the figure cannot be worked out: no officer figure for the force "
            "(forces outside England and Wales), or too few cases have ended yet for the time."
        )
    return " ".join(notes)


def suppressed_words(threshold: int) -> str:
    return (
        f"{SUPPRESSED} means withheld: fewer than {threshold}, or a figure from which one could "
        "be worked out, kept back to protect the people who report and the people reported."
    )


def with_whole_days(snapshot: Snapshot) -> Snapshot:
    """The snapshot with every time in whole days, for the sentences written from it (the page
    shows no fraction of a day)."""
    tables = {
        name: frame.assign(
            **{
                c: [v if is_suppressed(v) or is_empty(v) else whole_days(v) for v in frame[c]]
                for c in frame.columns
                if is_days(c)
            }
        )
        for name, frame in snapshot.tables.items()
    }
    return dataclasses.replace(snapshot, tables=tables)


# --- charts' numbers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bars:
    """The numbers of a bar chart: a label, a value (None: no bar) and the text by each bar."""

    labels: list[str]
    values: list[float | None]
    texts: list[str]

    def frame(self, label: str, value: str) -> pd.DataFrame:
        """The chart's numbers as a table, as shown by each bar."""
        return pd.DataFrame({label: self.labels, value: self.texts})


def _bars(rows: list[tuple[str, object]], column: str = "value") -> Bars:
    return Bars(
        [label for label, _ in rows],
        [as_number(value) for _, value in rows],
        [cell_text(value, column) for _, value in rows],
    )


def _headline(snapshot: Snapshot) -> dict[str, object]:
    headline = snapshot.tables["headline"]
    return dict(zip(headline["measure"], headline["value"], strict=True))


# The path of a report, stage by stage (the unit changes: reports, then referrals, then
# investigations, so no stage is given as a share of the first).
PATH = (
    ("reports", "Reports received"),
    ("disseminated_reports", "Passed on to a force"),
    ("investigations", "Investigated by the force"),
    ("case_to_answer", "Case to answer"),
    ("removed_from_policing", "Removed from policing"),
)
OUTCOMES = (
    ("case_to_answer", "Case to answer"),
    ("false_allegations", "False allegation found"),
    ("dismissals", "Dismissed"),
    ("would_have_been_dismissed", "Would have been dismissed"),
    ("barred", "Barred from policing"),
    ("criminal_charges", "Criminal charge"),
    ("open_cases", "Still open"),
)
TILES = (
    ("reports", "Reports"),
    ("reports_phone", "By phone"),
    ("reports_online", "Online"),
    ("disseminated_reports", "Passed to a force"),
    ("investigations", "Investigations"),
    ("case_to_answer", "Case to answer"),
    ("dismissals", "Dismissals"),
    ("removed_from_policing", "Removed from policing"),
    ("open_cases", "Open cases"),
    ("awaiting_force_decision", "Awaiting a decision"),
)


@dataclass(frozen=True)
class Tile:
    """A headline figure as a tile shows it: a short label, the figure, and the label in full
    where the short one leaves words out."""

    label: str
    value: str
    help: str | None = None


def tiles(snapshot: Snapshot) -> list[Tile]:
    """The headline figures as tiles."""
    headline = _headline(snapshot)
    return [Tile(label, cell_text(headline[m], "value")) for m, label in TILES if m in headline]


def report_path(snapshot: Snapshot) -> Bars:
    headline = _headline(snapshot)
    return _bars([(label, headline[m]) for m, label in PATH if m in headline])


def outcomes(snapshot: Snapshot) -> Bars:
    headline = _headline(snapshot)
    return _bars([(label, headline[m]) for m, label in OUTCOMES if m in headline])


def categories(snapshot: Snapshot) -> Bars:
    frame = snapshot.tables["reports_by_category"]
    return _bars(
        [
            (value_label("category", c), n)
            for c, n in zip(frame["category"], frame["reports"], strict=True)
        ]
    )


@dataclass(frozen=True)
class Months:
    """Reports by month to draw: the months in words, each channel's reports a month (None
    where withheld: no bar), and how many cells are withheld."""

    months: list[str]
    by_channel: dict[str, list[int | None]]
    withheld: int


def monthly(snapshot: Snapshot) -> Months:
    frame = snapshot.tables["reports_by_month"]
    months = list(dict.fromkeys(frame["month"]))
    by_channel = {}
    for channel in dict.fromkeys(frame["channel"]):
        rows = frame[frame["channel"] == channel]
        cells = dict(zip(rows["month"], rows["reports"], strict=True))
        by_channel[value_label("channel", channel)] = [
            None if as_number(cells.get(m)) is None else int(cells[m]) for m in months
        ]
    return Months(
        [value_label("month", m) for m in months],
        by_channel,
        sum(is_suppressed(v) for v in frame["reports"]),
    )


def monthly_table(snapshot: Snapshot) -> pd.DataFrame:
    """Reports by month, one column per channel, as shown."""
    frame = snapshot.tables["reports_by_month"]
    months = list(dict.fromkeys(frame["month"]))
    table = {"Month": [value_label("month", m) for m in months]}
    for channel in dict.fromkeys(frame["channel"]):
        cells = dict(
            zip(
                frame.loc[frame["channel"] == channel, "month"],
                frame.loc[frame["channel"] == channel, "reports"],
                strict=True,
            )
        )
        table[value_label("channel", channel)] = [
            cell_text(cells.get(m), "reports") for m in months
        ]
    return pd.DataFrame(table)


@dataclass(frozen=True)
class Times:
    """The timeliness chart's numbers: each stage's median and 90th percentile in whole days
    (None: no bar) and the words by each bar."""

    stages: list[str]
    medians: list[int | None]
    p90s: list[int | None]
    median_texts: list[str]
    p90_texts: list[str]


def _time_text(value, cases) -> str:
    if is_suppressed(value):
        return SUPPRESSED
    if is_empty(value):
        return "no cases yet" if as_number(cases) == 0 else "not reached yet"
    return f"{whole_days(value):,} days"


# The stages as a chart names them (short: a phone has little room beside the bars).
STAGE_WORDS = {
    "days_to_dissemination": "Report to referral",
    "days_to_finding": "Referral to finding",
    "days_to_outcome": "Report to outcome",
    "days_to_dismissal": "Report to dismissal",
}


def times(snapshot: Snapshot) -> Times:
    frame = snapshot.tables["timeliness"]
    days = {
        c: [None if as_number(v) is None else whole_days(v) for v in frame[c]]
        for c in ("median_days", "p90_days")
    }
    return Times(
        [STAGE_WORDS.get(m) or value_label("measure", m) for m in frame["measure"]],
        days["median_days"],
        days["p90_days"],
        [_time_text(v, n) for v, n in zip(frame["median_days"], frame["cases"], strict=True)],
        [_time_text(v, n) for v, n in zip(frame["p90_days"], frame["cases"], strict=True)],
    )


# --- the outcomes decided in the period (the event view) ----------------------------------


def decided_words(snapshot: Snapshot) -> str:
    """The release's period after "decided" or "received": "in 2024/25" for a financial year,
    "in April to June 2024" for a quarter (months only, as every public output)."""
    period = snapshot.period
    if period is not None and period.quarter is None:
        return f"in {period.year}/{str(period.year + 1)[-2:]}"
    return f"in {period_words(snapshot.first_date, snapshot.last_date, True, True)}"


@dataclass(frozen=True)
class Decided:
    """The outcomes decided in the period beside the same outcomes of the period's reports so
    far, as released (outcomes_decided.csv beside headline.csv), in words."""

    decided_label: str  # "Decided in 2024/25"
    cohort_label: str  # "Of reports received in 2024/25, so far"
    decided: Bars
    cohort: Bars
    table: pd.DataFrame  # shown: one row per outcome, the days from the report beside
    note: str  # what the table's marks mean ("" if it has none)


def decided(snapshot: Snapshot) -> Decided | None:
    """The event view of the release beside its cohort; None for a release made before the
    outcomes decided were published."""
    frame = snapshot.tables.get("outcomes_decided")
    if frame is None or frame.empty:
        return None
    words = decided_words(snapshot)
    headline = _headline(snapshot)
    labels = [DECIDED_MEASURES[m][0] for m in frame["measure"]]
    decided_bars = _bars(list(zip(labels, frame["decided"], strict=True)))
    cohort_bars = _bars([(label, headline.get(m)) for label, m in zip(labels, frame["measure"],
                                                                       strict=True)])  # fmt: skip
    decided_label, cohort_label = f"Decided {words}", f"Of reports received {words}, so far"
    table = pd.DataFrame(
        {
            "Outcome": labels,
            decided_label: decided_bars.texts,
            cohort_label: cohort_bars.texts,
            **{
                column_label("outcomes_decided", c): [cell_text(v, c) for v in frame[c]]
                for c in ("median_days", "p90_days")
            },
        }
    )
    return Decided(decided_label, cohort_label, decided_bars, cohort_bars, table,
                   decided_note(frame, snapshot.threshold))  # fmt: skip


def decided_note(frame: pd.DataFrame, threshold: int) -> str:
    """What the marks of the outcomes decided mean: a withheld count, days withheld over too
    few outcomes, no days where none was decided."""
    notes = []
    if any(is_suppressed(v) for v in frame["decided"]):
        notes.append(suppressed_words(threshold))
    days = [v for c in ("median_days", "p90_days") for v in frame[c]]
    if any(is_suppressed(v) for v in days):
        notes.append(
            f"Days are withheld ({SUPPRESSED}) where fewer than {MIN_BASE} outcomes of the kind "
            "were decided, or where the count is withheld."
        )
    if any(is_empty(v) for v in days):
        notes.append(f"{EMPTY_MARK}: none was decided, so there are no days.")
    return " ".join(notes)


# --- revisions ------------------------------------------------------------------------------


def _published_number(text: str):
    """A cell of a revision as written in the CSV: a number where it is one, else as it is."""
    if text in ("", SUPPRESSED):
        return None if text == "" else text
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def revisions_table(snapshot: Snapshot) -> pd.DataFrame:
    """The figures changed on revision, in words: which table, which row, which figure."""
    titles = {spec.name: spec.title for spec in TABLES}
    names = released_forces(snapshot) | {UNKNOWN_FORCE: "Force not known"}

    def row(revision: Revision) -> str:
        keys = ROW_KEYS.get(revision.table, ("row",))
        parts = revision.row.split("/", len(keys) - 1)
        return ", ".join(
            names.get(part, part) if key == "force_code" else value_label(key, part)
            for key, part in zip(keys, parts, strict=False)
        )

    return pd.DataFrame(
        [
            (
                titles.get(r.table, words(r.table)),
                row(r),
                column_label(r.table, r.column),
                cell_text(_published_number(r.old), r.column),
                cell_text(_published_number(r.new), r.column),
            )
            for r in snapshot.revisions or []
        ],
        columns=["Table", "Row", "Figure", "Was", "Now"],
    )


def force_table(snapshot: Snapshot) -> pd.DataFrame:
    """Reports by force in words, the rate next to the force's name (on a phone the columns
    after the first few are off the screen)."""
    frame = snapshot.tables["reports_by_force"]
    first = ["force_code", "force_name", RATE_COLUMN]
    table = people_table(
        "reports_by_force", frame[first + [c for c in frame.columns if c not in first]]
    )
    return table.rename(columns={column_label("reports_by_force", RATE_COLUMN): RATE_WORDS})


# --- a force's own figures ------------------------------------------------------------------


def released_forces(snapshot: Snapshot) -> dict[str, str]:
    """The forces of the release, code -> name, in the release's order ("Force not known" is
    no force)."""
    frame = snapshot.tables["reports_by_force"]
    return {
        code: name
        for code, name in zip(frame["force_code"], frame["force_name"], strict=True)
        if code != UNKNOWN_FORCE
    }


def asked_force(text: str | None, forces: dict[str, str]) -> str | None:
    """The force an address's force= names (in any case, spaces around ignored), or None."""
    if text is None:
        return None
    code = text.strip().lower()
    return code if code in forces else None


@dataclass(frozen=True)
class ForceFigures:
    """A force's released figures beside England and Wales and each of its peers."""

    code: str
    name: str
    peers: tuple[str, ...]
    tiles: list[Tile]
    rates: pd.DataFrame  # shown: one row per force (the force, England and Wales, each peer)
    rate_bars: Bars
    outcomes: pd.DataFrame  # shown: the force, every force in the service, each peer
    # shown: the outcomes decided in the period, the same rows as outcomes (None for a release
    # made before they were published)
    decided: pd.DataFrame | None
    marks: str  # what the marks of the tables mean


# The rate first: on a phone the columns after the first few are off the screen.
RATE_COLUMNS = (RATE_COLUMN, "reports", "officer_fte")
OUTCOME_COLUMNS = (
    "referrals",
    "investigations",
    "case_to_answer",
    "dismissals",
    "would_have_been_dismissed",
)


def _england_and_wales(by_force: pd.DataFrame) -> dict[str, object]:
    """England and Wales's reports, officers and rate, worked out from the released table as
    the release's printable report works out its line (every force with an officer figure);
    empty where a count among them is withheld, so the total cannot be known."""
    national = national_rate(by_force)
    rated = by_force[[as_number(v) is not None for v in by_force["officer_fte"]]]
    if national is None:
        return {"reports": None, "officer_fte": None, RATE_COLUMN: None}
    return {
        "reports": int(sum(int(v) for v in rated["reports"])),
        "officer_fte": sum(float(v) for v in rated["officer_fte"]),
        RATE_COLUMN: national[0],
    }


@functools.lru_cache(maxsize=1)
def short_names() -> dict[str, str]:
    """Each force's short name (data/forces.csv: "Kent" for Kent Police), for a chart's labels,
    which a phone has little room for."""
    with open(FORCES_CSV, encoding="utf-8") as handle:
        return {row["force_code"]: row["short_name"] for row in csv.DictReader(handle)}


def force_figures(snapshot: Snapshot, code: str, peers: tuple[str, ...]) -> ForceFigures:
    """The force's released figures, England and Wales's (reports per 1,000 officers, worked
    out from the released table) and every force's together (the headline), and each peer's
    own released figures one by one: no figure for the peer group as a whole, which is not a
    released table."""
    forces = released_forces(snapshot)
    peers = tuple(p for p in peers if p in forces)
    # short names ("Kent"): the comparison sits beside the force's full name, and a phone has
    # little room for the rest of the row
    names = {c: short_names().get(c) or forces[c] for c in (code, *peers)}
    by_force = snapshot.tables["reports_by_force"].set_index("force_code", drop=False)
    by_outcome = snapshot.tables["outcomes_by_force"].set_index("force_code", drop=False)
    headline = _headline(snapshot)

    def rate_row(name: str, cells: dict) -> dict:
        return {"force_name": name, **{c: cells[c] for c in RATE_COLUMNS}}

    def outcome_row(name: str, force: str | None) -> dict:
        if force is None:
            cells = {c: headline.get(c) for c in OUTCOME_COLUMNS}
        elif force in by_outcome.index:
            cells = {c: by_outcome.at[force, c] for c in OUTCOME_COLUMNS}
        else:  # listed only when it received a referral: it received none
            cells = dict.fromkeys(OUTCOME_COLUMNS, 0)
        return {"force_name": name, **cells}

    rates = pd.DataFrame(
        [
            rate_row(names[code], by_force.loc[code]),
            rate_row(NATIONAL_NAME, _england_and_wales(snapshot.tables["reports_by_force"])),
            *(rate_row(names[p], by_force.loc[p]) for p in peers),
        ]
    )
    outcome_rows = pd.DataFrame(
        [
            outcome_row(names[code], code),
            outcome_row(WHOLE_SERVICE_NAME, None),
            *(outcome_row(names[p], p) for p in peers),
        ]
    )
    decided_rows = _decided_rows(snapshot, [(names[code], code), (WHOLE_SERVICE_NAME, None),
                                            *((names[p], p) for p in peers)])  # fmt: skip
    own = by_force.loc[code]
    own_outcomes = outcome_row(forces[code], code)
    tiles = [
        Tile("Reports", cell_text(own["reports"], "reports")),
        Tile("Per 1,000 officers", cell_text(own[RATE_COLUMN], RATE_COLUMN),
             help="Reports per 1,000 officers a year"),
        *(Tile(column_label("outcomes_by_force", c), cell_text(own_outcomes[c], c))
          for c in OUTCOME_COLUMNS[:-1]),
    ]  # fmt: skip
    return ForceFigures(
        code=code,
        name=forces[code],
        peers=peers,
        tiles=tiles,
        rates=people_table("reports_by_force", rates).rename(
            columns={column_label("reports_by_force", RATE_COLUMN): RATE_WORDS}
        ),
        rate_bars=_bars(
            list(zip(rates["force_name"], rates[RATE_COLUMN], strict=True)), RATE_COLUMN
        ),
        outcomes=people_table("outcomes_by_force", outcome_rows),
        decided=None
        if decided_rows is None
        else people_table("outcomes_decided_by_force", decided_rows),
        marks=marks_note(pd.concat([rates, outcome_rows, decided_rows]), snapshot.threshold),
    )


def _decided_rows(snapshot: Snapshot, rows: list[tuple[str, str | None]]) -> pd.DataFrame | None:
    """The outcomes decided in the period for each (name, force) as released: a force's row of
    outcomes_decided_by_force, or with no force the release's totals (outcomes_decided, which
    every force's rows add up to); None for a release made before they were published."""
    by_force = snapshot.tables.get("outcomes_decided_by_force")
    totals = snapshot.tables.get("outcomes_decided")
    if by_force is None or by_force.empty or totals is None or totals.empty:
        return None
    by_force = by_force.set_index("force_code", drop=False)
    every = dict(zip(totals["measure"], totals["decided"], strict=True))

    def cells(force: str | None) -> dict:
        if force is None:
            return {m: every.get(m) for m in DECIDED_MEASURES}
        # every force of the reference has a row; one missing cannot be told apart from 0
        if force not in by_force.index:
            return dict.fromkeys(DECIDED_MEASURES)
        return {m: by_force.at[force, m] for m in DECIDED_MEASURES}

    return pd.DataFrame([{"force_name": name, **cells(force)} for name, force in rows])
