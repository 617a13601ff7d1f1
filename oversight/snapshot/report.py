"""The printable report of a snapshot, snapshot.html: one self-contained HTML file that opens
offline (inline CSS with a print stylesheet for A4, inline SVG charts, no scripts, no fonts or
images fetched from anywhere; a Content-Security-Policy forbids any request).

Every text taken from the snapshot is escaped, so a force named "<script>" or "=HYPERLINK(...)"
is shown as inert text. The same Snapshot always gives the same text.
"""

import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd

from oversight import disclosure
from oversight.analysis.decided import DECIDED_MEASURES
from oversight.analysis.reports import CHANNEL_LABELS
from oversight.analysis.reports import national_rate as reports_national_rate
from oversight.charts import CHANNEL_COLOURS, GROUP_COLOURS, NEUTRAL
from oversight.contract import CHANNELS, UNKNOWN_FORCE
from oversight.disclosure import SUPPRESSED
from oversight.snapshot import svg
from oversight.snapshot.commentary import (
    MONTH_NAMES,
    OVERDUE_DAYS,
    SHARE_MINIMUM,
    as_at_words,
    as_number,
    commentary,
    format_count,
    format_date,
    format_days,
    format_number,
    headline_value,
    is_empty,
    is_suppressed,
    percent_of,
    period_words,
    plural,
)
from oversight.snapshot.model import TABLES, Snapshot, TableSpec

# Plain words for each headline measure (docs/metrics.md, "Counts").
HEADLINE_LABELS = {
    "reports": "Reports received",
    "reports_phone": "Reports made by phone",
    "reports_online": "Reports made online",
    "anonymous_reports": "Anonymous reports",
    "disseminated_reports": "Reports passed on to a force (disseminated)",
    "referrals": "Referrals to forces",
    "investigations": "Referrals the force decided to investigate",
    "transferred": "Referrals transferred to another force",
    "case_to_answer": "Investigations with a case to answer",
    "false_allegations": "False allegations found",
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed (had already left)",
    "removed_from_policing": "Removed from policing (dismissed or would have been)",
    "barred": "Barred from policing",
    "criminal_charges": "Criminal charges",
    "open_cases": "Investigations still open",
    "awaiting_force_decision": "Referrals awaiting a force's decision",
    "awaiting_force_decision_overdue": f"… of them waiting more than {OVERDUE_DAYS} days",
}

TIME_LABELS = {
    "days_to_dissemination": "Report to referral",
    "days_to_finding": "Referral to finding",
    "days_to_outcome": "Report to outcome (Kaplan–Meier)",
    "days_to_dismissal": "Report to dismissal",
}

NUM_CLASS = ' class="num"'
EMPTY_MARK = "–"  # shown for an empty cell: the value cannot be computed

CSS = """
:root { --ink: #1b1b1b; --muted: #555555; --rule: #d0d0d0; --accent: #0072B2; }
* { box-sizing: border-box; }
html { font-family: Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif;
  color: var(--ink); background: #ffffff; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
body { margin: 0 auto; max-width: 196mm; padding: 10mm 8mm 16mm; font-size: 11pt;
  line-height: 1.45; }
h1 { font-size: 21pt; line-height: 1.2; margin: 0 0 3mm; }
h2 { font-size: 15pt; margin: 9mm 0 3mm; padding-bottom: 1mm;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 12pt; margin: 6mm 0 1.5mm; }
p { margin: 1.5mm 0; }
.kicker { font-size: 10pt; font-weight: bold; letter-spacing: 0.04em; text-transform: uppercase;
  color: var(--accent); margin: 0 0 1mm; }
.banner { border: 2px solid; border-left-width: 8px; padding: 2.5mm 4mm; margin: 3mm 0;
  break-inside: avoid; }
.banner strong { display: block; font-size: 12pt; }
.banner.synthetic { border-color: #D55E00; background: #fff1e6; color: #6b2600; }
.banner.internal { border-color: #000000; background: #f0f0f0; }
.banner.public { border-color: #0072B2; background: #edf5fb; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.8mm 5mm;
  margin: 3mm 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
nav ol { margin: 1mm 0; padding-left: 6mm; columns: 2; }
nav a { display: inline-block; padding: 4px 0; }  /* 24 px targets (WCAG 2.5.8) */
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; margin: 3mm 0 4mm; }
.figure-card { border: 1px solid var(--rule); border-top: 4px solid var(--accent);
  padding: 2mm 3mm; break-inside: avoid; }
.figure-card .value { display: block; font-size: 19pt; font-weight: bold; line-height: 1.2;
  font-variant-numeric: tabular-nums; }
.figure-card .label { display: block; font-size: 9.5pt; font-weight: bold; }
.figure-card .sub { display: block; font-size: 8.5pt; color: var(--muted); }
ul.sentences { margin: 1mm 0 3mm; padding-left: 6mm; }
ul.sentences li { margin: 0.8mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 2mm 0 1mm; }
th, td { border-bottom: 1px solid var(--rule); padding: 1mm 2mm; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); background: #f3f3f3; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
code { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Consolas, monospace; font-size: 0.9em; }
.note { font-size: 9pt; color: var(--muted); margin: 1mm 0; }
.table-block { margin-bottom: 6mm; }
.table-block h3 { break-after: avoid; }
figure { margin: 4mm 0 6mm; break-inside: avoid; }
figure h3 { margin: 0; }
figure .subtitle { font-size: 9.5pt; color: var(--muted); margin: 0 0 2mm; }
figcaption { font-size: 9.5pt; margin-top: 1.5mm; }
svg.chart { display: block; width: 100%; height: auto; }
.page-break { break-before: page; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; }
  tr, .figure-card, li { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  h1 { font-size: 19pt; }
  h2 { margin-top: 6mm; }
  .figures { gap: 2mm; }
  .figure-card { padding: 1.5mm 2.5mm; }
  .figure-card .value { font-size: 15pt; }
}
"""


def _e(text) -> str:
    return escape(str(text), quote=True)


def _format_generated(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return f"{format_date(moment.date(), long=True)}, {moment:%H:%M} UTC"


def _format_stamp(text: str) -> str:
    """An ISO date-time from an earlier snapshot's metadata, as people write it."""
    try:
        return _format_generated(dt.datetime.fromisoformat(text))
    except ValueError:
        return text


# --- cells and tables -----------------------------------------------------------------------


def format_cell(value, column: str) -> str:
    """A published cell as shown (unescaped): [c] and text as they are, empty as "–", counts
    with thousands separators, rates and officer-years to 2 decimal places, days to 1."""
    if is_suppressed(value):
        return SUPPRESSED
    if is_empty(value):
        return EMPTY_MARK
    number = as_number(value)
    if number is None:
        return str(value)
    if column.endswith("_days"):
        return f"{number:,.1f}"
    if "per_1000" in column or column.endswith("_rate") or column == "officer_years":
        return f"{number:,.2f}"
    if number.is_integer():
        return format_count(number)
    return format_number(number, 2)


def _is_numeric_column(frame: pd.DataFrame, column: str) -> bool:
    values = frame[column]
    return all(is_suppressed(v) or is_empty(v) or as_number(v) is not None for v in values) and any(
        as_number(v) is not None for v in values
    )


def _table(
    headers: list[str],
    rows: list[list[str]],
    numeric: list[bool],
    labelled_by: str | None = None,
) -> str:
    aria = f' aria-labelledby="{_e(labelled_by)}"' if labelled_by else ""
    # long column names (would_have_been_dismissed) may wrap after an underscore
    head = "".join(
        f'<th scope="col"{NUM_CLASS if is_num else ""}>{_e(header).replace("_", "_<wbr>")}</th>'
        for header, is_num in zip(headers, numeric, strict=True)
    )
    body = []
    for row in rows:
        cells = []
        for i, (text, is_num) in enumerate(zip(row, numeric, strict=True)):
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            css = NUM_CLASS if is_num else ""
            cells.append(f"<{tag}{scope}{css}>{_e(text)}</{tag}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table{aria}><thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>"
    )


def _marks_note(frame: pd.DataFrame, threshold: int) -> str:
    """Notes on the marks a table holds: [c] and –."""
    values = [v for column in frame.columns for v in frame[column]]
    notes = []
    if any(is_suppressed(v) for v in values):
        notes.append(
            f"<strong>[c]</strong>: confidential: a count from 1 to {threshold - 1}, a figure "
            "suppressed so that another cannot be worked out from a total, or a rate or share "
            "whose numerator or denominator is suppressed or whose denominator is below 10."
        )
    if any(is_empty(v) for v in values):
        notes.append(
            f"<strong>{EMPTY_MARK}</strong>: cannot be computed (no officer figure for the "
            "force, a zero denominator, or a Kaplan–Meier estimate that has not fallen that "
            "far yet)."
        )
    return "".join(f'<p class="note">{note}</p>' for note in notes)


def published_table(spec: TableSpec, frame: pd.DataFrame, threshold: int) -> str:
    """One published table: its title, description, file name, cells and marks."""
    columns = list(spec.columns)
    rows = [
        [format_cell(value, column) for column, value in zip(columns, record, strict=True)]
        for record in frame[columns].itertuples(index=False, name=None)
    ]
    numeric = [_is_numeric_column(frame, column) for column in columns]
    heading_id = f"table-{spec.name}"
    return (
        f'<section class="table-block">\n<h3 id="{_e(heading_id)}">{_e(spec.title)}</h3>\n'
        f"<p>{_e(spec.description)}</p>\n"
        f'<p class="note">File: <code>{_e(spec.name)}.csv</code>, {format_count(len(frame))} '
        f"{'row' if len(frame) == 1 else 'rows'}.</p>\n"
        + _table(columns, rows, numeric, heading_id)
        + "\n"
        + _marks_note(frame[columns], threshold)
        + "</section>"
    )


# --- sections -------------------------------------------------------------------------------


def _period_text(snapshot: Snapshot, long: bool = False) -> str:
    # months only in public: no public output names a date finer than a month
    return period_words(snapshot.first_date, snapshot.last_date, snapshot.public, long)


def _as_at_text(snapshot: Snapshot, long: bool = False) -> str:
    return as_at_words(snapshot.as_at, snapshot.public, long)


def _header(snapshot: Snapshot) -> str:
    period_long = _period_text(snapshot, long=True)
    banners = []
    if snapshot.synthetic:
        banners.append(
            '<div class="banner synthetic" role="note"><strong>Synthetic demonstration data, '
            "not real reports.</strong>Every figure in this report was made up by the demo "
            "data generator to show what a snapshot looks like. None of it describes real "
            "reports, people or forces' performance.</div>"
        )
    if snapshot.public:
        banners.append(
            '<div class="banner public" role="note"><strong>Public snapshot: '
            "disclosure-controlled.</strong>Counts from 1 to "
            f"{snapshot.threshold - 1} are shown as [c], with secondary suppression, as "
            'described under <a href="#methodology">Methodology</a>.</div>'
        )
    elif snapshot.forces:
        whose = _e(snapshot.whose)
        banners.append(
            '<div class="banner internal" role="note"><strong>Internal: for '
            f"{whose} only, not for publication.</strong>This snapshot covers {whose} only: "
            f"reports about people working for {whose}, and the referrals {whose} received. "
            "It shows exact numbers, small ones included, with no disclosure control, and no "
            "other force's figures or England and Wales totals. Share it only with staff "
            "entitled to see them.</div>"
        )
    else:
        banners.append(
            '<div class="banner internal" role="note"><strong>Internal: not for '
            "publication.</strong>This snapshot shows exact numbers, small ones included, "
            "with no disclosure control. Share it only with staff entitled to see them; "
            "publish only a public snapshot.</div>"
        )
    facts = [
        ("Period", f"{period_long} (the dates reports were received, both inclusive)"),
        ("As at", f"{_as_at_text(snapshot, long=True)}: referrals and outcomes so far"),
        ("Generated", _format_generated(snapshot.generated_at)),
        ("Software", f"Oversight {snapshot.software_version}"),
        ("Status", "Experimental statistics"),
    ]
    facts_html = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in facts)
    return (
        "<header>\n"
        '<p class="kicker">Police Anti-Corruption and Abuse Reporting Service</p>\n'
        f"<h1>{_e(_document_title(snapshot))}</h1>\n"
        + "\n".join(banners)
        + f'\n<dl class="facts">{facts_html}</dl>\n'
        "<p><strong>Experimental statistics.</strong> These figures are new and still being "
        "developed: the methods may change, and figures for a period may be revised when later "
        "extracts add or correct records (see Revisions).</p>\n"
        "</header>"
    )


NAVIGATION = (
    ("headline", "Headline figures"),
    ("commentary", "What the numbers say"),
    ("charts", "Charts"),
    ("tables", "The published tables"),
    ("revisions", "Revisions"),
    ("methodology", "Methodology"),
)


def _navigation() -> str:
    items = "".join(f'<li><a href="#{anchor}">{_e(title)}</a></li>' for anchor, title in NAVIGATION)
    return f'<nav aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'


def _card(label: str, value: str, sub: str = "") -> str:
    sub_html = f'<span class="sub">{_e(sub)}</span>' if sub else ""
    return (
        f'<div class="figure-card"><span class="value">{_e(value)}</span>'
        f'<span class="label">{_e(label)}</span>{sub_html}</div>'
    )


def _shown(value) -> str:
    if value is None:
        return EMPTY_MARK
    return SUPPRESSED if is_suppressed(value) else format_count(value)


def _share_note(part, whole, what: str) -> str:
    share = percent_of(part, whole)
    return f"{share} {what}" if share else ""


def _headline_section(snapshot: Snapshot) -> str:
    headline = snapshot.tables["headline"]

    def value(measure):
        return headline_value(headline, measure)

    reports = value("reports")
    anonymous_share = percent_of(value("anonymous_reports"), reports)
    awaiting = value("awaiting_force_decision")
    overdue_note = (
        f"{_shown(value('awaiting_force_decision_overdue'))} of them for more than "
        f"{OVERDUE_DAYS} days"
        if awaiting != 0
        else ""
    )
    cards = [
        _card("Reports received", _shown(reports)),
        _card("By phone", _shown(value("reports_phone")),
              _share_note(value("reports_phone"), reports, "of reports")),
        _card("Online", _shown(value("reports_online")),
              _share_note(value("reports_online"), reports, "of reports")),
        _card("Anonymous", anonymous_share or SUPPRESSED,
              f"{_shown(value('anonymous_reports'))} of {_shown(reports)} reports"),
        _card("Passed on to a force", _shown(value("disseminated_reports")),
              _share_note(value("disseminated_reports"), reports, "of reports (disseminated)")),
        _card("Investigations", _shown(value("investigations")),
              f"of {_shown(value('referrals'))} referrals"),
        _card("Case to answer", _shown(value("case_to_answer")), "investigations, so far"),
        _card("Dismissals", _shown(value("dismissals")), "so far"),
        _card("Removed from policing", _shown(value("removed_from_policing")),
              "dismissed, or would have been"),
        _card("Open cases", _shown(value("open_cases")), "investigations still open"),
        _card("Awaiting force decision", _shown(awaiting), overdue_note),
    ]  # fmt: skip
    if anonymous_share is None and not is_suppressed(value("anonymous_reports")):
        # not suppressed, but too few reports to give a share of
        cards[3] = _card(
            "Anonymous",
            _shown(value("anonymous_reports")),
            f"of {_shown(reports)} reports (no share of fewer than {SHARE_MINIMUM})",
        )
    rows = [
        [HEADLINE_LABELS.get(measure, measure), measure, _shown(headline_value(headline, measure))]
        for measure in headline["measure"]
    ]
    as_at = _as_at_text(snapshot, long=True)
    return (
        '<section id="headline" aria-labelledby="headline-title">\n'
        '<h2 id="headline-title">Headline figures</h2>\n'
        f"<p>Reports received {'in' if snapshot.public else 'from'} {_e(_period_text(snapshot))}"
        f", and the referrals and outcomes of those reports so far, as at {_e(as_at)}.</p>\n"
        f'<div class="figures">{"".join(cards)}</div>\n'
        + _decided_beside_cohort(snapshot)
        + '<h3 id="all-headline-figures">All headline figures</h3>\n'
        + _table(
            ["What is counted", "Measure (headline.csv)", "Value"],
            rows,
            [False, False, True],
            "all-headline-figures",
        )
        + _marks_note(headline, snapshot.threshold)
        + "\n</section>"
    )


def _decided_beside_cohort(snapshot: Snapshot) -> str:
    """The outcomes decided in the period (outcomes_decided.csv) beside the same outcomes of the
    reports received in it, so far (headline.csv); "" for a release made before the table."""
    decided = snapshot.tables["outcomes_decided"]
    if decided.empty:
        return ""
    period = _e(_period_text(snapshot))
    headline = snapshot.tables["headline"]
    rows = [
        [
            DECIDED_MEASURES[row.measure][0],
            _shown(row.decided),
            _shown(headline_value(headline, row.measure)),
            format_cell(row.median_days, "median_days"),
            format_cell(row.p90_days, "p90_days"),
        ]
        for row in decided.itertuples(index=False)
    ]
    return (
        '<h3 id="outcomes-decided">Outcomes decided in the period</h3>\n'
        f"<p>The outcomes decided from {period}, whenever the report was received (as the Home "
        "Office and the IOPC count), beside the same outcomes of the reports received from "
        f"{period}, so far: a recent period's reports have had little time to reach an "
        "outcome. A referral counts once in each outcome, at its first of that kind. Days from "
        "the report: to the outcome, for the outcomes decided in the period.</p>\n"
        + _table(
            [
                "Outcome",
                f"Decided from {period}",
                f"Of reports received from {period}, so far",
                "Median days from the report",
                "90th percentile (days)",
            ],
            rows,
            [False, True, True, True, True],
            "outcomes-decided",
        )  # fmt: skip
        + _marks_note(decided, snapshot.threshold)
    )


def _commentary_section(snapshot: Snapshot) -> str:
    parts = [
        '<section id="commentary" aria-labelledby="commentary-title">',
        '<h2 id="commentary-title">What the numbers say</h2>',
        '<p class="note">Sentences written by the software from the published figures. A '
        "figure shown as [c] is never used to work anything out.</p>",
    ]
    for heading, sentences in commentary(snapshot):
        if not sentences:
            continue
        items = "".join(f"<li>{_e(sentence)}</li>" for sentence in sentences)
        parts.append(f'<h3>{_e(heading)}</h3>\n<ul class="sentences">{items}</ul>')
    parts.append("</section>")
    return "\n".join(parts)


# --- charts ---------------------------------------------------------------------------------


def _month_labels(months: list[str]) -> tuple[list[str], list[str]]:
    """Axis labels (every month, or every 3rd, 6th or 12th in long periods; the year under the
    first label of each year) and full names ("Apr 2025") for the tooltips."""
    every = 1 if len(months) <= 18 else 3 if len(months) <= 48 else 6 if len(months) <= 96 else 12
    labels, names, last_year = [], [], None
    for month in months:
        try:
            year, number = int(month[:4]), int(month[5:7])
            short = MONTH_NAMES[number - 1][:3]
        except (ValueError, IndexError):  # not YYYY-MM: shown as it is
            labels.append(month)
            names.append(month)
            continue
        names.append(f"{short} {year}")
        if (number - 1) % every:
            labels.append("")
            continue
        labels.append(short if year == last_year else f"{short}\n{year}")
        last_year = year
    return labels, names


def _not_drawn_note(snapshot: Snapshot, suppressed: int) -> str:
    if not snapshot.public:
        return ""
    if suppressed == 0:
        return " Values suppressed as [c] would not be drawn; none is suppressed here."
    values = "value is" if suppressed == 1 else "values are"
    return f" {format_count(suppressed)} {values} suppressed as [c] and not drawn."


def _table_reference(name: str) -> str:
    spec = next(spec for spec in TABLES if spec.name == name)
    return (
        f'Its numbers are in the table <a href="#table-{_e(name)}">“{_e(spec.title)}”</a> '
        f"(<code>{_e(name)}.csv</code>)."
    )


def _figure(snapshot: Snapshot, name: str, title: str, chart: str, caption: str) -> str:
    """A chart under its visible title and a line giving the period and the as-at date, with
    a caption (already HTML) saying what it shows and where its numbers are."""
    subtitle = f"Reports received {_period_text(snapshot)}; as at {_as_at_text(snapshot)}."
    return (
        f'<figure aria-labelledby="figure-{name}">\n<h3 id="figure-{name}">{_e(title)}</h3>\n'
        f'<p class="subtitle">{_e(subtitle)}</p>\n{chart}\n'
        f"<figcaption>{caption}</figcaption>\n</figure>"
    )


def monthly_chart(snapshot: Snapshot) -> str | None:
    """Reports each month by channel, as lines; None when the table has no months."""
    frame = snapshot.tables["reports_by_month"]
    months = list(dict.fromkeys(str(month) for month in frame["month"]))
    if not months:
        return None
    cells = {(str(r.month), str(r.channel)): r.reports for r in frame.itertuples(index=False)}
    suppressed = 0
    series = []
    for number, channel in enumerate(CHANNELS):
        values = []
        for month in months:
            value = cells.get((month, channel))
            suppressed += is_suppressed(value)
            values.append(as_number(value))
        series.append(
            svg.Series(
                CHANNEL_LABELS.get(channel, channel),
                CHANNEL_COLOURS[channel],
                tuple(values),
                marker="circle" if number == 0 else "square",
                dashed=number > 0,
            )
        )
    labels, names = _month_labels(months)
    period = f"{names[0]} to {names[-1]}" if len(names) > 1 else names[0]
    described = svg.series_text(series, names, format_count, SUPPRESSED)
    title = f"Reports received each month by channel, {period}"
    chart = svg.line_chart(
        "chart-reports-by-month",
        title,
        f"Line chart of reports received each month, by phone and online. {described}.",
        labels,
        series,
        x_title="Month the report was received",
        y_title="Reports received",
        point_names=names,
    )
    caption = (
        "How many reports were received in each month of the "
        "period, by phone (solid line, circles) and online (dashed line, squares). "
        + _table_reference("reports_by_month")
        + _e(_not_drawn_note(snapshot, suppressed))
    )
    return _figure(snapshot, "reports-by-month", title, chart, caption)


def national_rate(by_force: pd.DataFrame) -> tuple[float, int] | None:
    """Reports per 1,000 officers a year over every force with an officer figure, and how many
    of them were in the service in the period, worked out from the published table as the
    dashboard does (their reports / the sum of their officer-years × 1,000); None where a count
    among them is suppressed or empty (the total cannot be known) or there are no
    officer-years."""
    with_figure = by_force[
        by_force["officer_fte"].map(lambda v: as_number(v) is not None)
        & (by_force["force_code"] != UNKNOWN_FORCE)
    ]
    numbers = {
        column: [as_number(v) for v in with_figure[column]]
        for column in ("reports", "officer_fte", "officer_years")
    }
    if with_figure.empty or any(v is None for values in numbers.values() for v in values):
        return None
    counts = pd.DataFrame({"force_code": list(with_figure["force_code"]), **numbers})
    national = reports_national_rate(counts)
    if national["rate_note"]:
        return None
    in_service = sum(years > 0 for years in numbers["officer_years"])
    return round(float(national["reports_per_1000_officers"]), 2), in_service


def force_rate_chart(snapshot: Snapshot) -> str | None:
    """Reports per 1,000 officers a year by force, highest first; None when no force has a
    rate."""
    frame = snapshot.tables["reports_by_force"]
    column = "reports_per_1000_officers_a_year"
    rated = [
        (as_number(r.reports_per_1000_officers_a_year), str(r.force_name))
        for r in frame.itertuples(index=False)
        if as_number(r.reports_per_1000_officers_a_year) is not None
        and r.force_code != UNKNOWN_FORCE
    ]
    if not rated:
        return None
    rated.sort(key=lambda pair: (-pair[0], pair[1]))
    # forces whose rate is suppressed keep a row, at the bottom, with no bar
    hidden = sorted(
        str(r.force_name)
        for r in frame.itertuples(index=False)
        if is_suppressed(r.reports_per_1000_officers_a_year)
    )
    suppressed = sum(is_suppressed(v) for v in frame[column])
    no_rate = sum(is_empty(v) for v in frame[column])
    # a force's own snapshot holds its forces only: their rate is no England and Wales rate
    national = None if snapshot.forces else national_rate(frame)
    reference = None
    if national is not None:
        rate, forces = national
        reference = svg.Reference(
            f"England and Wales ({plural(forces, 'force')} in the service): {rate:.2f}",
            rate,
            GROUP_COLOURS["national"],
        )
    period = _period_text(snapshot)
    title = f"Reports per 1,000 officers a year by force named, {period}"
    top, bottom = rated[0], rated[-1]
    desc = (
        f"Horizontal bars for {plural(len(rated), 'force')}, highest rate first: {top[1]} "
        f"{top[0]:.2f}"
        + (f" to {bottom[1]} {bottom[0]:.2f}" if len(rated) > 1 else "")
        + (
            f". A dashed line marks the rate over all forces, {reference.value:.2f}"
            if reference
            else ""
        )
        + (
            f". {plural(len(hidden), 'force')} with a suppressed rate "
            f"{'is' if len(hidden) == 1 else 'are'} listed last, with no bar"
            if hidden
            else ""
        )
        + "."
    )
    chart = svg.bar_chart(
        "chart-reports-per-1000",
        title,
        desc,
        [name for _, name in rated] + hidden,
        [rate for rate, _ in rated] + [None] * len(hidden),
        [f"{rate:.2f}" for rate, _ in rated] + [SUPPRESSED] * len(hidden),
        x_title=f"Reports per 1,000 officers a year, {period}",
        colour=NEUTRAL,
        reference=reference,
        row_height=22 if len(rated) + len(hidden) <= 20 else 17,
    )
    notes = []
    if reference is not None:
        notes.append(
            "The dashed line is the rate over all forces with an officer figure (their reports "
            "/ the sum of their officer-years × 1,000), worked out from the same table."
        )
    elif not snapshot.forces and any(
        is_suppressed(r.reports)
        for r in frame.itertuples(index=False)
        if as_number(r.officer_fte) is not None and r.force_code != UNKNOWN_FORCE
    ):
        notes.append(
            "No national rate is marked: a force's count is suppressed, so the total cannot be "
            "worked out from the published table."
        )
    if no_rate:
        notes.append(
            f"{format_count(no_rate)} {'row has' if no_rate == 1 else 'rows have'} no rate "
            "(no officer figure, not in the service in the period, or force not known) and "
            f"{'is' if no_rate == 1 else 'are'} not drawn."
        )
    caption = (
        "Reports about people working for each force, per 1,000 "
        "of its officers a year (over its officer-years: its officers times the years it was "
        "in the service within the period), for forces with a rate, highest first"
        + (", then forces whose rate is suppressed, as [c] with no bar. " if hidden else ". ")
        + _e(" ".join(notes))
        + " "
        + _table_reference("reports_by_force")
        + _e(_not_drawn_note(snapshot, suppressed))
    )
    return _figure(snapshot, "reports-per-1000", title, chart, caption)


def timeliness_chart(snapshot: Snapshot) -> str | None:
    """Median days (bars) and 90th percentiles (whiskers) of each stage; None when the table is
    empty."""
    frame = snapshot.tables["timeliness"]
    labels, medians, uppers, texts = [], [], [], []
    suppressed = 0
    for row in frame.itertuples(index=False):
        suppressed += is_suppressed(row.median_days) + is_suppressed(row.p90_days)
        median, p90 = as_number(row.median_days), as_number(row.p90_days)
        labels.append(TIME_LABELS.get(row.measure, str(row.measure)))
        # a stage without a median keeps its row, with no bar and the reason
        medians.append(median)
        uppers.append(p90 if median is not None else None)
        if is_suppressed(row.median_days):
            texts.append(SUPPRESSED)
        elif median is None:
            texts.append("no cases yet" if as_number(row.cases) == 0 else "median not reached yet")
        elif p90 is not None:
            texts.append(f"{format_days(median)}; 90%: {format_days(p90)}")
        elif is_suppressed(row.p90_days):
            texts.append(f"{format_days(median)}; 90%: {SUPPRESSED}")
        else:
            texts.append(f"{format_days(median)}; 90%: not reached yet")
    if not labels:
        return None
    title = "Days taken at each stage: median and 90th percentile"
    desc = "Horizontal bars of the median days at each stage, with a whisker to the 90th " + (
        "percentile: " + "; ".join(f"{a}: {b}" for a, b in zip(labels, texts, strict=True)) + "."
    )
    chart = svg.bar_chart(
        "chart-timeliness",
        title,
        desc,
        labels,
        medians,
        texts,
        x_title="Days",
        colour=NEUTRAL,
        upper=uppers,
        legend=(
            svg.LegendItem("bar", NEUTRAL, "Median (half took no longer)"),
            svg.LegendItem("whisker", svg.WHISKER_COLOUR, "90th percentile"),
        ),
        whole_ticks=True,
    )
    caption = (
        "Half of the cases took no longer than the bar, 9 in 10 "
        "no longer than the whisker's end. Report to outcome is a Kaplan–Meier estimate that "
        "counts open investigations as still open; where its curve has not fallen that far "
        "there is no whisker (or no bar). "
        + _table_reference("timeliness")
        + _e(_not_drawn_note(snapshot, suppressed))
    )
    return _figure(snapshot, "timeliness", title, chart, caption)


def _charts_section(snapshot: Snapshot) -> str:
    figures = [
        monthly_chart(snapshot) or "<p>No month to draw: the monthly table is empty.</p>",
        force_rate_chart(snapshot)
        or "<p>No force has a rate per 1,000 officers a year to draw (suppressed, no officer "
        "figure or not in the service).</p>",
        timeliness_chart(snapshot) or "<p>No time can be drawn: the timeliness table is empty.</p>",
    ]
    return (
        '<section id="charts" class="page-break" aria-labelledby="charts-title">\n'
        '<h2 id="charts-title">Charts</h2>\n' + "\n".join(figures) + "\n</section>"
    )


def _tables_section(snapshot: Snapshot) -> str:
    blocks = [
        published_table(spec, snapshot.tables[spec.name], snapshot.threshold) for spec in TABLES
    ]
    mode = (
        "with small numbers suppressed as [c]"
        if snapshot.public
        else "with exact numbers (internal: not for publication)"
    )
    return (
        '<section id="tables" class="page-break" aria-labelledby="tables-title">\n'
        '<h2 id="tables-title">The published tables</h2>\n'
        f"<p>The tables of this snapshot, {_e(mode)}, exactly as in its CSV files and "
        "spreadsheet, in the same order. Empty cells are shown as "
        f"{EMPTY_MARK} (cannot be computed).</p>\n" + "\n".join(blocks) + "\n</section>"
    )


def _revisions_section(snapshot: Snapshot) -> str:
    head = (
        '<section id="revisions" aria-labelledby="revisions-title">\n'
        '<h2 id="revisions-title">Revisions</h2>\n'
    )
    if snapshot.revisions is None:
        return head + "<p>No earlier snapshot was compared.</p>\n</section>"
    earlier = _format_stamp(snapshot.previous_generated_at or "")
    if not snapshot.revisions:
        return head + f"<p>No figure changed since the snapshot of {_e(earlier)}.</p>\n</section>"
    rows = [
        [r.table, r.row, r.column, r.old if r.old != "" else "(empty)", r.new or "(empty)"]
        for r in snapshot.revisions
    ]
    count = len(rows)
    return (
        head + f"<p>{format_count(count)} {'figure has' if count == 1 else 'figures have'} changed "
        f"since the snapshot of {_e(earlier)}, as later extracts added or corrected records. "
        "Old and new values are as written in the CSV files.</p>\n"
        + _table(
            ["Table", "Row", "Column", "Old value", "New value"],
            rows,
            [False, False, False, True, True],
            "revisions-title",
        )
        + "\n</section>"
    )


def _methodology_section(snapshot: Snapshot) -> str:
    counts = [
        ("Reports", "Reports received in the period (by the date received)."),
        ("By channel", "Reports made by phone, and online."),
        ("Anonymous reports", "Reports whose reporter chose to stay anonymous."),
        ("Reports by category", "Reports carrying each category; a report with two categories "
         "counts under both."),
        ("Disseminated reports", "Reports passed on to a force: those with at least one referral."),
        ("Referrals", "Referrals of those reports to forces."),
        ("Investigations", "Referrals the receiving force assessed as needing an investigation."),
        ("Transferred", "Referrals the force passed on to another force."),
        ("Case to answer", "Investigations finding a case to answer for misconduct or gross "
         "misconduct."),
        ("Dismissals", "Referrals with an outcome of dismissal."),
        ("Removed from policing", "Dismissals, plus findings that the person would have been "
         "dismissed had they not left (a referral counted once)."),
        ("Open cases", "Investigations with no outcome that ends the case yet (criminal outcomes "
         "do not end the misconduct case)."),
        ("Awaiting force decision", f"Referrals still pending; those pending more than "
         f"{OVERDUE_DAYS} days after the referral, at the as-at date, are overdue."),
    ]  # fmt: skip
    count_rows = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in counts)
    # the rules as disclosure.py states them, so the report lists every rule applied
    rules_html = "".join(f"<li>{_e(rule)}</li>" for rule in disclosure.rules(snapshot.threshold))
    notes = snapshot.notes or ["No data-quality notes for this snapshot."]
    notes_html = "".join(f"<li>{_e(note)}</li>" for note in notes)
    applies = (
        f"This public snapshot applies them, with a threshold of {snapshot.threshold}."
        if snapshot.public
        else "They apply to public snapshots; this internal snapshot shows exact numbers and "
        "must not be published."
    )
    return f"""<section id="methodology" class="page-break" aria-labelledby="methodology-title">
<h2 id="methodology-title">Methodology</h2>
<h3>Periods, cohorts and forces</h3>
<p>A report belongs to the period that holds the date it was received. Referrals and outcomes
are counted against the period of the report they came from (the cohort view), so "of the
reports received in the period, how many have led to an investigation so far" has one answer;
they are counted as at {_e(_as_at_text(snapshot, long=True))}, the latest date anywhere in
the stored extracts, and later snapshots of the same period may show more of them.</p>
<p>A report counts for its <em>subject force</em>, the force the reported person works for; a
referral and its outcomes count for the <em>receiving force</em>. Reports whose subject force is
not known count in national totals and show as "Force not known".{_e(_coverage(snapshot))}</p>
<h3>Counts</h3>
<dl class="facts">{count_rows}</dl>
<h3>Rates</h3>
<p>Forces differ in size, so forces are compared by reports per 1,000 officers a year: reports
naming the force divided by its officer-years and multiplied by 1,000, to 2 decimal places. A
force's officer-years (published beside the rate) are its officers (full-time equivalent) times
the days it was in the service within the period, up to the as-at date, divided by 365.25: the
Metropolitan Police from 29 November 2022 (the pilot), every other force from 14 March 2024
(the national launch). So rates over periods of different lengths can be compared, and a force
that joined during the period counts only its days since. A rate that cannot be computed (no
officer figure for the force, not in the service in the period) is left empty, never shown as
0. On the dashboard, rates and proportions carry 95% intervals (Wilson score for proportions,
exact Poisson for rates per 1,000 officers a year).</p>
<h3>Times</h3>
<p>Times are whole days between calendar dates: days to dissemination from a report to each
referral, days to finding from a referral to the investigation's first finding, days to
outcome from a report to the first outcome that ends the case, days to dismissal from a report
to a dismissal. Each is given as the median and the 90th percentile. Because open cases have
not ended yet, days to outcome is a Kaplan–Meier estimate over all investigations, open ones
counted as still open at the as-at date: its median is the first day on which the estimated
share still open falls to one half or below (the 90th percentile: to one tenth). Where the
estimate has not fallen that far, the value is left empty. A median of closed cases alone
would understate the wait, so it is never shown.</p>
<h3>Outcomes decided in the period</h3>
<p>The tables "Outcomes decided in the period" count outcomes by the date each was decided,
whenever the report came in, as the Home Office's police misconduct statistics and the IOPC
count: not the outcomes of the reports received in the period, which the other tables count.
A referral counts once in each outcome (a case to answer, a false allegation, a dismissal or a
finding that the person would have been dismissed, of an investigation; a barring or a
criminal charge after any assessment), in the period that holds the date of its first outcome
of that kind, so a year's figures are the sum of its quarters'. Days from the report are whole
days from the report's receipt to that outcome, as the median and the 90th percentile. The
outcomes count for the force that received the referral.</p>
<h3>Disclosure control</h3>
<p>Anything published follows these rules. {_e(applies)}</p>
<ul>{rules_html}</ul>
<h3>Data-quality notes</h3>
<ul>{notes_html}</ul>
</section>"""


# --- the document ---------------------------------------------------------------------------


def _document_title(snapshot: Snapshot) -> str:
    period = _period_text(snapshot, long=True)
    if snapshot.forces:
        return f"{snapshot.whose}: internal snapshot, {period}"
    return f"Transparency snapshot, {period}"


def _coverage(snapshot: Snapshot) -> str:
    """What a force's own snapshot counts (nothing to add for every force)."""
    if not snapshot.forces:
        return ""
    whose = snapshot.whose
    return (
        f" This snapshot counts {whose} only: the reports about people working for {whose} "
        f"and the referrals {whose} received; it holds no other force's figures, no reports "
        "whose force is not known and no England and Wales totals."
    )


def html_document(title: str, css: str, body: list[str], software_version: str) -> str:
    """One self-contained HTML document (the report, a briefing): no request of any kind is
    allowed, since styles are inline and images are inline SVG."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="Oversight {_e(software_version)}">',
            f"<title>{_e(title)}</title>",
            '<link rel="icon" href="data:,">',
            f"<style>{css}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def render_report(snapshot: Snapshot) -> str:
    """The report as one self-contained HTML document."""
    status = "public" if snapshot.public else "internal, not for publication"
    title = f"{_document_title(snapshot)} ({status})"
    return html_document(
        title,
        CSS,
        [
            _header(snapshot),
            _navigation(),
            "<main>",
            _headline_section(snapshot),
            _commentary_section(snapshot),
            _charts_section(snapshot),
            _tables_section(snapshot),
            _revisions_section(snapshot),
            _methodology_section(snapshot),
            "</main>",
        ],
        snapshot.software_version,
    )


def write_report(snapshot: Snapshot, path: Path) -> None:
    """Write the report to path (UTF-8)."""
    Path(path).write_text(render_report(snapshot), encoding="utf-8", newline="\n")
