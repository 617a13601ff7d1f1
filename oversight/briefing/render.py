"""A briefing as one self-contained, printable HTML file: inline CSS (the snapshot report's,
with a print stylesheet for A4), inline SVG charts (oversight/snapshot/svg.py), no scripts, and
a Content-Security-Policy that forbids any request. Every text is escaped.

Headings run h1, h2, h3 in order; every table has a caption and header cells; every chart has
a title and a description, and its numbers are in a table beside it.
"""

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from oversight import __version__
from oversight.analysis.fairness import MIN_ENTERING
from oversight.analysis.forces import NATION_LABEL
from oversight.analysis.outcomes_view import timeliness_table
from oversight.briefing.content import INTERNAL, OWN_FORCE, PUBLIC, Briefing
from oversight.charts import GROUP_COLOURS, NEUTRAL, OKABE_ITO, OUTCOME_GROUP_COLOURS
from oversight.constants import LONG_OVERDUE_DAYS, OVERDUE_DAYS
from oversight.disclosure import SUPPRESSED, rules
from oversight.snapshot import svg
from oversight.snapshot.commentary import as_at_words, format_date, period_words
from oversight.snapshot.report import CSS as REPORT_CSS
from oversight.snapshot.report import html_document

NOT_SHOWN = "–"
NUM_CLASS = ' class="num"'
# Tables of this many columns or more may be wider than a phone's screen.
WIDE_TABLE = 5
CSS = (
    REPORT_CSS
    + """
ol.questions { margin: 2mm 0 4mm; padding-left: 7mm; }
ol.questions li { margin: 1.5mm 0; font-size: 11.5pt; }
.figures { grid-template-columns: repeat(5, 1fr); }
caption { text-align: left; font-weight: bold; font-size: 10pt; padding: 1mm 0; }
.table-scroll { overflow-x: auto; }
.table-scroll:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
@media (max-width: 700px) {
  .figures { grid-template-columns: repeat(2, 1fr); }
  nav ol { columns: 1; }
  table { font-size: 8.5pt; }
  th, td { padding: 1mm 1mm; }
}
"""
)


def _e(text) -> str:
    return escape(str(text), quote=True)


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def whole_days(value) -> str:
    """Days as the briefing shows them: whole days (halves up), or "not reached yet"."""
    if _is_missing(value):
        return "not reached yet"
    return f"{math.floor(float(value) + 0.5):,}"


def percent(value) -> str:
    """A share held as 0..1, to one decimal place, as the Outcomes page shows it."""
    return NOT_SHOWN if _is_missing(value) else f"{value:.1%}"


def _cell(value) -> str:
    if _is_missing(value):
        return NOT_SHOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    return str(value)


def table(frame: pd.DataFrame, caption: str, numeric: tuple[str, ...] = ()) -> str:
    """A table with a caption, column headers and the first column as row headers."""
    columns = list(frame.columns)
    head = "".join(
        f'<th scope="col"{NUM_CLASS if c in numeric else ""}>{_e(c)}</th>' for c in columns
    )
    rows = []
    for record in frame.itertuples(index=False, name=None):
        cells = []
        for at, (column, value) in enumerate(zip(columns, record, strict=True)):
            css = NUM_CLASS if column in numeric else ""
            tag, scope = ("th", ' scope="row"') if at == 0 else ("td", "")
            cells.append(f"<{tag}{scope}{css}>{_e(_cell(value))}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    markup = (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    if len(columns) < WIDE_TABLE:
        return markup
    # a wide table scrolls sideways on a phone, in a region the keyboard can reach and scroll
    return (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{_e(caption)}">'
        f"{markup}</div>"
    )


def _figure(chart: str, caption: str) -> str:
    return f"<figure>{chart}<figcaption>{_e(caption)}</figcaption></figure>"


def _section(anchor: str, title: str, body: list[str]) -> str:
    return (
        f'<section id="{anchor}" aria-labelledby="{anchor}-title">\n'
        f'<h2 id="{anchor}-title">{_e(title)}</h2>\n' + "\n".join(body) + "\n</section>"
    )


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


def _number(value) -> float | None:
    return None if _is_missing(value) else float(value)


# --- words ---------------------------------------------------------------------------------


def period_text(briefing: Briefing, long: bool = False) -> str:
    """The period in words: its months in public, its days internally."""
    return period_words(briefing.first_date, briefing.last_date, briefing.public, long)


def as_at_text(briefing: Briefing, long: bool = False) -> str:
    return as_at_words(briefing.as_at, briefing.public, long)


def title(briefing: Briefing) -> str:
    """The briefing's title."""
    return f"{briefing.force_name}: briefing, {period_text(briefing, long=True)}"


def _banners(briefing: Briefing) -> list[str]:
    banners = []
    if briefing.synthetic:
        banners.append(
            '<div class="banner synthetic" role="note"><strong>Synthetic demonstration data, '
            "not real reports.</strong>Every figure here was made up by the demo data "
            "generator. None of it describes real reports, people or forces.</div>"
        )
    if briefing.audience == PUBLIC:
        banners.append(
            '<div class="banner public" role="note"><strong>Public: disclosure-controlled.'
            f"</strong>Counts from 1 to {briefing.threshold - 1} are shown as {SUPPRESSED}, "
            "with the other suppression of the public releases; every figure is worked out "
            "from the published tables.</div>"
        )
    elif briefing.audience == OWN_FORCE:
        banners.append(
            '<div class="banner internal" role="note"><strong>Internal: for '
            f"{_e(briefing.force_name)} only, not for publication.</strong>Exact figures for "
            "the force; its region and England and Wales as the Forces page shows them to the "
            f"force ({SUPPRESSED}: withheld, because it would show a small count for other "
            "forces). Share it only with staff entitled to see them.</div>"
        )
    else:
        banners.append(
            '<div class="banner internal" role="note"><strong>Internal: not for publication.'
            "</strong>Exact figures, small ones included, with no disclosure control. Share it "
            "only with staff entitled to see them.</div>"
        )
    return banners


def _header(briefing: Briefing) -> str:
    facts = [
        ("Force", briefing.force_name),
        ("Period", f"{period_text(briefing, long=True)}: reports received"),
        *([("Released as", briefing.period_label)] if briefing.period_label else []),
        ("As at", f"{as_at_text(briefing, long=True)}: referrals and outcomes so far"),
    ]
    if briefing.selection:
        facts.append(("Selection", briefing.selection))
    moment = briefing.generated_at
    facts += [
        ("Made", f"{format_date(moment.date(), long=True)}, {moment:%H:%M} UTC"),
        ("Software", f"Oversight {__version__}"),
    ]
    listed = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in facts)
    return (
        "<header>\n"
        '<p class="kicker">Police Anti-Corruption and Abuse Reporting Service</p>\n'
        f"<h1>{_e(title(briefing))}</h1>\n"
        + "\n".join(_banners(briefing))
        + f'\n<dl class="facts">{listed}</dl>\n'
        "<p>For the accountability meeting with the chief constable: the force's figures beside "
        "its region and England and Wales, and questions the figures raise. "
        + (
            "Every figure is worked out from the published tables of the period alone."
            if briefing.public
            else "Every figure is the dashboard's own, computed by the same functions as its pages."
        )
        + "</p>\n</header>"
    )


def _navigation(sections: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="#{anchor}">{_e(name)}</a></li>' for anchor, name in sections)
    return f'<nav aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'


# --- sections ------------------------------------------------------------------------------


def _questions(briefing: Briefing) -> list[str]:
    if not briefing.questions:
        waited = (
            "" if briefing.waiting is None else f"no referral has waited over {OVERDUE_DAYS} days, "
        )
        return [
            "<p>The figures raise no question that they can support on their own: "
            f"{waited}no rate differs from England and Wales's by more than chance would make "
            "it, and nothing else stands out.</p>"
        ]
    items = "".join(f"<li>{_e(q)}</li>" for q in briefing.questions)
    count = len(briefing.questions)
    fewer = (
        f" The figures support {count} question{'s' if count != 1 else ''} only: a question "
        "is asked only where its numbers show something to ask about."
        if count < 3
        else ""
    )
    return [
        f'<ol class="questions">{items}</ol>',
        _note(
            "Written from the figures below: a rate is questioned only where its 95% interval "
            "leaves out the England and Wales rate, a wait only where referrals have waited "
            f"over {OVERDUE_DAYS} days, fairness only where the Fairness page finds a difference "
            "beyond chance." + fewer
        ),
    ]


def _headline(briefing: Briefing) -> list[str]:
    cards = "".join(
        f'<div class="figure-card"><span class="value">{_e(f.shown)}</span>'
        f'<span class="label">{_e(f.label)}</span></div>'
        for f in briefing.headline
    )
    return [
        f"<p>Reports received {_e(period_text(briefing))} about people working for "
        f"{_e(briefing.force_name)}, and the referrals {_e(briefing.force_name)} received from "
        f"them, with their outcomes so far, as at {_e(as_at_text(briefing))}.</p>",
        f'<div class="figures">{cards}</div>',
    ]


def _rates_chart(briefing: Briefing) -> str | None:
    """Reports per 1,000 officers a year: the force, its peers and its region, with England and
    Wales as a line."""
    rates = briefing.rates.loc[briefing.rates["measure_key"] == "reports_per_1000_officers"]
    bars = [
        (str(row.group), _number(row.rate))
        for row in rates.itertuples(index=False)
        if row.group_kind in ("force", "region")
    ]
    if briefing.peer_rates is not None:
        bars[1:1] = [
            (f"{name} (peer)", _number(rate))
            for name, rate in zip(
                briefing.peer_rates["force"],
                briefing.peer_rates["reports_per_1000_officers"],
                strict=True,
            )
        ]
    nation = briefing.rate("reports_per_1000_officers", "nation")
    reference_value = None if nation is None else _number(nation["rate"])
    if all(value is None for _, value in bars) or not bars:
        return None
    texts = [f"{value:,.1f}" if value is not None else NOT_SHOWN for _, value in bars]
    reference = (
        svg.Reference(f"{NATION_LABEL}: {reference_value:,.1f}", reference_value,
                      GROUP_COLOURS["national"])
        if reference_value is not None
        else None
    )  # fmt: skip
    chart_title = f"Reports per 1,000 officers a year, {period_text(briefing)}"
    described = "; ".join(f"{name}: {text}" for (name, _), text in zip(bars, texts, strict=True))
    chart = svg.bar_chart(
        "chart-rates",
        chart_title,
        f"Horizontal bars: {described}."
        + (f" A dashed line marks {NATION_LABEL}, {reference_value:,.1f}." if reference else ""),
        [name for name, _ in bars],
        [value for _, value in bars],
        texts,
        x_title="Reports per 1,000 officers a year",
        colour=NEUTRAL,
        reference=reference,
    )
    return _figure(
        chart,
        f"{chart_title}: {briefing.force_name}"
        + (", its most similar forces" if briefing.peer_rates is not None else "")
        + f" and its region, beside {NATION_LABEL} (dashed line). The rates and their 95% "
        "intervals are in the table above; a bar is missing where there is no rate.",
    )


def _comparison(briefing: Briefing) -> list[str]:
    body = [
        table(briefing.rate_table, f"Rates, {period_text(briefing)}, with 95% intervals"),
        _note(
            "Rates so far, with 95% intervals in brackets. Reports per 1,000 officers a year: "
            "over the years the force was in the service within the period (exact Poisson "
            "interval); proportions: Wilson interval. – : no rate, with the reason. "
            + (f"{SUPPRESSED}: withheld or suppressed." if briefing.audience != INTERNAL else "")
        ),
        table(
            briefing.comparison.rename(columns={"measure": "Count"}),
            f"Counts, {period_text(briefing)}",
            tuple(c for c in briefing.comparison.columns if c != "measure"),
        ),
    ]
    chart = _rates_chart(briefing)
    if chart:
        body.append(chart)
    return body


def _peers(briefing: Briefing) -> list[str]:
    body = [
        "<p>The forces most like this one in size, population and area (the peer groups of "
        "data/reference/peer_groups.csv), most similar first.</p>"
    ]
    if briefing.peers is None:
        return [*body, f"<p>{_e(briefing.peers_note)}</p>"]
    return [
        *body,
        table(briefing.peers, f"Most similar forces' rates, {period_text(briefing)}"),
        _note(
            "Each force's own rate with its 95% interval, "
            + (
                "worked out from the published tables."
                if briefing.public
                else "as the Forces page's table of every force gives it."
            )
        ),
    ]


def _quarter_labels(periods: list[str]) -> list[str]:
    """Axis labels for quarters ("Apr–Jun 2025" as two lines), every other one when there are
    many."""
    every = 1 if len(periods) <= 8 else 2
    return [
        period.replace(" ", "\n", 1) if at % every == 0 else "" for at, period in enumerate(periods)
    ]


def _volume_trend(briefing: Briefing) -> list[str]:
    trend = briefing.trend
    own = trend.loc[trend["group_kind"] == "force"]
    nation = trend.loc[trend["group_kind"] == "nation"]
    periods = own["period"].tolist()
    if not periods:
        return ["<p>No quarter of the period has begun by the as-at date.</p>"]
    if briefing.has_officer_figure:
        series = [
            svg.Series(briefing.force_name, GROUP_COLOURS["force"],
                       tuple(_number(v) for v in own["rate"].tolist()))
        ]  # fmt: skip
        if len(nation):
            series.append(
                svg.Series(NATION_LABEL, GROUP_COLOURS["national"],
                           tuple(_number(v) for v in nation["rate"].tolist()), "square", True)
            )  # fmt: skip
        y_title, label = "Reports per 1,000 officers a year", "{:,.1f}"
    else:
        series = [
            svg.Series(briefing.force_name, GROUP_COLOURS["force"],
                       tuple(float(v) for v in own["reports"].tolist()))
        ]  # fmt: skip
        y_title, label = "Reports", "{:,.0f}"
    chart_title = f"{y_title}, each quarter: {briefing.force_name}" + (
        f" beside {NATION_LABEL}" if len(series) > 1 else ""
    )
    described = svg.series_text(series, periods, label.format, NOT_SHOWN)
    chart = svg.line_chart(
        "chart-volume-trend", chart_title, f"Line chart. {described}.", _quarter_labels(periods),
        series, "Quarter the reports were received", y_title, point_names=periods,
        value_label=label.format,
    )  # fmt: skip
    numbers = pd.DataFrame({"Quarter": periods, f"{briefing.force_name}: reports": own["reports"]})
    if briefing.has_officer_figure:
        numbers[f"{briefing.force_name}: rate"] = [
            NOT_SHOWN if _is_missing(v) else f"{v:,.1f}" for v in own["rate"].tolist()
        ]
    if len(nation):
        numbers[f"{NATION_LABEL}: rate"] = [
            NOT_SHOWN if _is_missing(v) else f"{v:,.1f}" for v in nation["rate"].tolist()
        ]
    part = (
        " A quarter only partly inside the period counts only its days inside it."
        if not own["whole_period"].all()
        else ""
    )
    return [
        "<h3>Reports</h3>",
        _figure(chart, f"{chart_title}, as the Forces page's trend shows it.{part}"),
        table(numbers, "Reports each quarter", tuple(numbers.columns[1:])),
    ]


def _conversion_trend(briefing: Briefing) -> list[str]:
    trend = briefing.conversion_trend
    if trend is None or trend.empty:
        return []
    periods = trend["period"].tolist()
    colours = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"])
    stages = (("investigation", "Investigation rate"), ("case_to_answer", "Case-to-answer rate"),
              ("dismissal", "Dismissal rate"))  # fmt: skip
    series = [
        svg.Series(name, colour, tuple(
            None if n == 0 else _number(v)
            for v, n in zip(trend[f"{key}_rate"], trend[f"{key}_denominator"], strict=True)
        ), "circle" if at == 0 else "square", at > 0)
        for at, ((key, name), colour) in enumerate(zip(stages, colours, strict=True))
    ]  # fmt: skip
    described = svg.series_text(series, periods, "{:.1f}%".format, NOT_SHOWN)
    chart_title = f"Conversion rates of each quarter's reports, so far: {briefing.force_name}"
    chart = svg.line_chart(
        "chart-conversion-trend", chart_title, f"Line chart, percent. {described}.",
        _quarter_labels(periods), series, "Quarter the reports were received", "Percent",
        point_names=periods, value_label="{:.1f}%".format,
    )  # fmt: skip

    def with_interval(key: str) -> list[str]:
        return [
            f"– ({n:,} cases)" if n == 0 else f"{r:.1f}% ({lo:.1f}% to {hi:.1f}%; {x:,} of {n:,})"
            for r, lo, hi, x, n in zip(
                trend[f"{key}_rate"], trend[f"{key}_rate_low"], trend[f"{key}_rate_high"],
                trend[f"{key}_numerator"], trend[f"{key}_denominator"], strict=True,
            )
        ]  # fmt: skip

    numbers = pd.DataFrame(
        {"Quarter": periods, **{name: with_interval(key) for key, name in stages}}
    )
    days = pd.DataFrame(
        {
            "Quarter": periods,
            "Investigations": trend["outcome_cases"].tolist(),
            "Median days to outcome": [whole_days(v) for v in trend["median_days_to_outcome"]],
        }
    )
    return [
        "<h3>Conversion rates</h3>",
        _figure(
            chart,
            f"{chart_title}. Each quarter's rates are those the Outcomes page shows with that "
            "quarter chosen: a recent quarter's cases have had less time to move on.",
        ),
        table(numbers, "Conversion rates each quarter, with 95% intervals and counts"),
        "<h3>Time to outcome</h3>",
        table(
            days,
            "Median days from the report to the outcome that ends the case",
            ("Investigations", "Median days to outcome"),
        ),  # fmt: skip
        _note(
            "Kaplan–Meier median over each quarter's investigations, open ones counted as still "
            "waiting at the as-at date: 'not reached yet' where fewer than half have ended."
        ),
    ]


def _trends(briefing: Briefing) -> list[str]:
    if briefing.trend is None:
        return []
    return [*_volume_trend(briefing), *_conversion_trend(briefing)]


def _count_chart(
    chart_id: str, chart_title: str, caption: str, groups: tuple[str, list[str]],
    counts: tuple[str, Sequence, Sequence], colour: str,
) -> list[str]:  # fmt: skip
    """Bars of counts, each labelled with its count and share, and the same as a table.

    groups: the table's first column (its header and the groups' labels); counts: the counts'
    header, the counts and their shares (0..1)."""
    (group_header, labels), (count_header, values, shares) = groups, counts
    texts = [f"{int(n):,} ({percent(share)})" for n, share in zip(values, shares, strict=True)]
    described = "; ".join(f"{label}: {text}" for label, text in zip(labels, texts, strict=True))
    chart = svg.bar_chart(
        chart_id, chart_title, f"Horizontal bars: {described}.", labels,
        [float(n) for n in values], texts, count_header, colour, whole_ticks=True,
    )  # fmt: skip
    return [
        _figure(chart, caption),
        table(pd.DataFrame({group_header: labels, count_header: texts}), chart_title,
              (count_header,)),
    ]  # fmt: skip


def _decided(briefing: Briefing) -> list[str]:
    """The outcomes decided in the period, for the force beside its groups (the event view)."""
    if briefing.decided is None:
        return []
    words = briefing.decided_words
    source = (
        f"From the published table of the outcomes decided by force; {SUPPRESSED}: suppressed "
        "(a small count, or one that would reveal one). The region and England and Wales add up "
        "their forces' published cells."
        if briefing.public
        else "As the Forces page shows them."
        + (f" {SUPPRESSED}: withheld." if briefing.audience != INTERNAL else "")
    )
    return [
        table(
            briefing.decided.rename(columns={"measure": "Outcome"}),
            f"Outcomes decided {words}",
            tuple(c for c in briefing.decided.columns if c != "measure"),
        ),
        _note(
            f"Decided {words}: the outcomes decided in the period, whenever the report came in "
            "(the Home Office and the IOPC count this way), for the referrals each force "
            f"received. The other counts here are of reports received {words}, so far: a "
            "recent period's outcomes are few, because cases take months. A referral counts "
            f"once in each outcome, at the first of that kind. {source}"
        ),
    ]


def _outcomes(briefing: Briefing) -> list[str]:
    figures = pd.DataFrame(
        {"Outcome": [f.label for f in briefing.outcome_figures],
         "Referrals": [f.shown for f in briefing.outcome_figures]}
    )  # fmt: skip
    body = [
        f"<p>What has happened so far to the referrals {_e(briefing.force_name)} received "
        "from the period's reports.</p>",
        table(figures, "Outcomes so far", ("Referrals",)),
        *_decided(briefing),
    ]
    mix = briefing.outcome_mix
    total = int(mix["cases"].sum())
    if total:
        labels = [
            group[:1].upper() + group[1:] + (" (still open)" if still_open else "")
            for group, still_open in zip(mix["outcome_group"], mix["still_open"], strict=True)
        ]
        chart_title = f"Outcome of {total:,} investigation{'s' if total != 1 else ''}, so far"
        body += _count_chart(
            "chart-outcome-mix", chart_title,
            f"{chart_title}: each investigation counts once, under its furthest outcome.",
            ("Furthest outcome", labels), ("Investigations", mix["cases"], mix["share"]),
            OUTCOME_GROUP_COLOURS["dismissed or would have been"],
        )  # fmt: skip
    conversions = briefing.conversions
    body.append(
        table(
            pd.DataFrame(
                {
                    "Stage": conversions["label"],
                    "Moved on": conversions["numerator"],
                    "Out of": conversions["denominator"],
                    "Rate (95% interval)": [
                        f"– ({note})" if note else f"{percent(r)} ({percent(lo)} to {percent(hi)})"
                        for r, lo, hi, note in zip(
                            conversions["rate"],
                            conversions["rate_low"],
                            conversions["rate_high"],
                            conversions["rate_note"],
                            strict=True,
                        )
                    ],
                }
            ),
            "Conversion at each stage, so far (as the Outcomes page shows it)",
            ("Moved on", "Out of"),
        )  # fmt: skip
    )
    if briefing.open_over_365:
        body.append(
            f"<p>{briefing.open_over_365:,} investigation"
            f"{'s have' if briefing.open_over_365 != 1 else ' has'} been open for more than "
            "365 days since the report.</p>"
        )
    return body


def _timeliness(briefing: Briefing) -> list[str]:
    frame = briefing.timeliness
    labels = frame["label"].tolist()
    medians = [_number(v) for v in frame["median_days"]]
    p90s = [_number(v) for v in frame["p90_days"]]
    texts = [
        "no cases yet" if cases == 0 else "median not reached yet" if m is None
        else f"{whole_days(m)}; 90%: {whole_days(p)}"
        for m, p, cases in zip(medians, p90s, frame["cases"], strict=True)
    ]  # fmt: skip
    chart_title = "Days taken at each stage: median and 90th percentile"
    chart = svg.bar_chart(
        "chart-timeliness", chart_title,
        "Horizontal bars of the median days, with a whisker to the 90th percentile: "
        + "; ".join(f"{a}: {b}" for a, b in zip(labels, texts, strict=True)) + ".",
        labels, medians, texts, "Days", NEUTRAL,
        upper=[p if m is not None else None for m, p in zip(medians, p90s, strict=True)],
        legend=(svg.LegendItem("bar", NEUTRAL, "Median (half took no longer)"),
                svg.LegendItem("whisker", svg.WHISKER_COLOUR, "90th percentile")),
        whole_ticks=True,
    )  # fmt: skip
    shown = timeliness_table(frame)  # as the Outcomes page shows it, cautions included
    return [
        _figure(chart, f"{chart_title}, for the period's reports, as the Outcomes page's "
                "timeliness table gives them."),
        table(shown, "Timeliness", ("Median (days)", "90th percentile (days)", "Cases measured")),
        _note(
            "Whole days between calendar dates. Days to outcome is the Kaplan–Meier estimate: "
            "open cases count as still waiting at the as-at date. 'Not reached yet': fewer than "
            "half (or nine in ten) have ended so far."
        ),
    ]  # fmt: skip


def _waiting(briefing: Briefing) -> list[str]:
    waiting = briefing.waiting
    lead = (
        f"<p>As at {_e(as_at_text(briefing))}, whatever the period: <strong>"
        f"{waiting.awaiting:,}</strong> referral{'s' if waiting.awaiting != 1 else ''} "
        f"await{'s' if waiting.awaiting == 1 else ''} {_e(briefing.force_name)}'s decision; "
        f"<strong>{waiting.overdue:,}</strong> {'has' if waiting.overdue == 1 else 'have'} "
        f"waited over {OVERDUE_DAYS} days and "
        f"<strong>{waiting.long_overdue:,}</strong> over {LONG_OVERDUE_DAYS} days"
        + (f"; the longest {waiting.longest_days:,} days" if waiting.longest_days else "")
        + ".</p>"
    )
    if waiting.awaiting == 0:
        return [lead]
    bands = waiting.by_band
    chart_title = f"Referrals awaiting a decision, by days waiting, as at {as_at_text(briefing)}"
    return [
        lead,
        *_count_chart(
            "chart-waiting", chart_title, f"{chart_title}: days since the referral was made.",
            ("Days waiting", bands["age_band"].tolist()),
            ("Referrals awaiting", bands["referrals"], bands["share"]), OKABE_ITO["vermillion"],
        ),
    ]  # fmt: skip


def _ratio_text(value, low, high, note) -> str:
    if note == "reference group":
        return "1 (reference group)"
    if note:
        return f"– {note}"
    return f"{value:.2f} ({low:.2f} to {high:.2f})"


def _fairness(briefing: Briefing) -> list[str]:
    body = [
        "<p>Who is reported, and whether a difference enters at some step, as the Fairness "
        f"page shows it for {_e(briefing.force_name)}, for the selection above (every role of "
        "the person reported unless it names roles). A difference shows where to look, not "
        "its cause.</p>"
    ]
    for data in briefing.fairness:
        chosen = data.characteristic
        body.append(f"<h3>By {_e(chosen.label.lower())}</h3>")
        if data.total_reports == 0:
            body.append("<p>No reports in this selection.</p>")
            continue
        lines = [line.replace("**", "") for line in data.reading]
        bullets = [line[2:] for line in lines if line.startswith("- ")]
        prose = [line for line in lines if not line.startswith("- ")]
        body += [f"<p>{_e(line)}</p>" for line in prose[:1]]
        if bullets:
            body.append(
                '<ul class="sentences">' + "".join(f"<li>{_e(b)}</li>" for b in bullets) + "</ul>"
            )
        body += [f"<p>{_e(line)}</p>" for line in prose[1:]]
        rates = data.rates
        body.append(
            table(
                pd.DataFrame(
                    {
                        "Step": rates["stage"],
                        "Group": rates["group"],
                        "Entered the step": rates["entered"],
                        "Moved on": rates["moved_on"],
                        f"Relative rate against {chosen.reference_name} (95% interval)": [
                            _ratio_text(*values)
                            for values in zip(
                                rates["relative_rate"],
                                rates["relative_rate_low"],
                                rates["relative_rate_high"],
                                rates["relative_rate_note"],
                                strict=True,
                            )
                        ],
                    }
                ),
                f"Rates of moving on by {chosen.label.lower()}, relative to "
                f"{chosen.reference_name}",
                ("Entered the step", "Moved on"),
            )  # fmt: skip
        )
    body.append(
        _note(
            f"Groups with fewer than {MIN_ENTERING} at a step show no ratio. With several groups "
            "and steps compared, about one 95% interval in twenty can leave out 1 by chance."
        )
    )
    return body


def _left_out(briefing: Briefing) -> list[str]:
    items = "".join(f"<li>{_e(text)}</li>" for text in briefing.left_out)
    rules_list = "".join(f"<li>{_e(rule)}</li>" for rule in rules(briefing.threshold))
    return [
        f"<ul>{items}</ul>",
        "<h3>The disclosure rules applied</h3>",
        f"<ul>{rules_list}</ul>",
    ]


def _method(briefing: Briefing) -> list[str]:
    items = [
        "A report counts for the force the reported person works for; a referral and its "
        "outcomes for the force that received it.",
        "Referrals and outcomes are counted against the period of the report they came from "
        f"(the cohort view), so far, as at {as_at_text(briefing, long=True)}: later briefings "
        "of the same period will show more of them.",
        "The outcomes decided in the period (the event view) are counted by the date each was "
        "decided, whenever the report came in, as the Home Office and the IOPC count.",
        f"{NATION_LABEL}: its 43 territorial forces. The region: the force's region of England "
        "and Wales.",
        "Reports per 1,000 officers a year: reports over the force's officers (full-time "
        "equivalent) times the years it was in the service within the period; the Metropolitan "
        "Police from 29 November 2022, every other force from 14 March 2024.",
        "Investigation rate: investigations / (referrals − transferred); case-to-answer rate: "
        "case to answer / investigations with a finding; dismissal rate: dismissals / "
        "investigations; dissemination rate: reports passed on / reports.",
        "The definitions are in docs/metrics.md; every figure is computed by the functions "
        "the dashboard's pages use.",
    ]
    return [f"<ul>{''.join(f'<li>{_e(i)}</li>' for i in items)}</ul>"]


def render(briefing: Briefing) -> str:
    """The briefing as one self-contained HTML document."""
    region = briefing.region_name or "its region"
    sections = [
        ("questions", "Questions for the chief constable", _questions(briefing)),
        ("headline", "Headline figures", _headline(briefing)),
        ("comparison", f"Beside {region} and {NATION_LABEL}", _comparison(briefing)),
        ("peers", "Most similar forces", _peers(briefing)),
    ]
    if not briefing.public:
        sections += [
            ("trends", "Trends", _trends(briefing)),
            ("outcomes", "Outcomes and dismissals", _outcomes(briefing)),
            ("timeliness", "Timeliness", _timeliness(briefing)),
            ("waiting", "Referrals overdue now", _waiting(briefing)),
            ("fairness", "Fairness", _fairness(briefing)),
        ]
    else:
        if briefing.decided is not None:
            sections.append(("decided", "Outcomes decided in the period", _decided(briefing)))
        sections.append(("left-out", "Not in the public briefing", _left_out(briefing)))
    sections.append(("method", "How these figures are counted", _method(briefing)))
    status = "public" if briefing.public else "internal, not for publication"
    return html_document(
        f"{title(briefing)} ({status})",
        CSS,
        [
            _header(briefing),
            _navigation([(anchor, name) for anchor, name, _ in sections]),
            "<main>",
            *(_section(anchor, name, body) for anchor, name, body in sections),
            "</main>",
        ],
        __version__,
    )
