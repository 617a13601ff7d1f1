"""The printable report (snapshot.html): its commentary sentences, its HTML, and the file in a
real headless chromium (Debian's, through Playwright; fails, does not skip, when it is missing).

Expected sentences and figures are written by hand from the values in conftest.py."""

import copy
import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from oversight.snapshot import commentary as words
from oversight.snapshot.model import SUPPRESSED, TABLES, Revision
from oversight.snapshot.report import format_cell, national_rate, render_report, write_report
from oversight.snapshot.svg import nice_ticks
from tests.snapshot.conftest import make_snapshot

C = SUPPRESSED
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "artifacts" / "snapshot"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUARTER = "the previous quarter"


# --- words for numbers ----------------------------------------------------------------------


def test_numbers_dates_and_periods_are_written_as_people_write_them():
    assert words.format_count(1234567) == "1,234,567"
    assert words.format_days(1) == "1 day"
    assert words.format_days(3.0) == "3 days"
    assert words.format_days(1200.5) == "1,200.5 days"
    assert words.format_date(dt.date(2025, 9, 1)) == "1 Sep 2025"
    assert words.format_date(dt.date(2025, 9, 1), long=True) == "1 September 2025"
    assert words.format_period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)) == "1 Jan to 31 Mar 2025"
    assert (
        words.format_period(dt.date(2024, 12, 1), dt.date(2025, 2, 28))
        == "1 Dec 2024 to 28 Feb 2025"
    )
    assert words.format_period(dt.date(2025, 5, 2), dt.date(2025, 5, 2)) == "2 May 2025"


def test_percentages_are_whole_numbers_rounded_half_up_never_a_false_0_or_100():
    assert words.format_percent(80, 120) == "67%"
    assert words.format_percent(1, 8) == "13%"  # 12.5 rounds up
    assert words.format_percent(5, 200) == "3%"  # 2.5 rounds up
    assert words.format_percent(1, 300) == "less than 1%"
    assert words.format_percent(299, 300) == "more than 99%"
    assert words.format_percent(0, 300) == "0%"
    assert words.format_percent(300, 300) == "100%"
    assert words.percent_of(30, 120) == "25%"
    assert words.percent_of(C, 120) is None
    assert words.percent_of(3, 9) is None  # a denominator below 10 gives no share


def test_calendar_quarters_and_how_the_previous_period_is_named():
    d = dt.date
    assert words.is_calendar_quarter(d(2025, 4, 1), d(2025, 6, 30))
    assert words.is_calendar_quarter(d(2024, 10, 1), d(2024, 12, 31))
    assert not words.is_calendar_quarter(d(2025, 4, 1), d(2025, 6, 29))
    assert not words.is_calendar_quarter(d(2025, 2, 1), d(2025, 4, 30))
    assert not words.is_calendar_quarter(d(2025, 4, 1), d(2025, 7, 31))
    quarter = (d(2025, 4, 1), d(2025, 6, 30), d(2025, 1, 1), d(2025, 3, 31))
    assert words.previous_period_phrase(*quarter) == "the previous quarter (January to March 2025)"
    assert words.previous_period_phrase(*quarter, short=True) == QUARTER
    not_quarters = (d(2025, 4, 2), d(2025, 7, 1), d(2025, 1, 1), d(2025, 4, 1))
    assert (
        words.previous_period_phrase(*not_quarters)
        == "the previous period of the same length (1 Jan to 1 Apr 2025)"
    )
    assert words.previous_period_phrase(*not_quarters, short=True) == "the previous period"
    # this period a quarter, the one before not: not called a quarter
    one_quarter = (d(2025, 1, 1), d(2025, 3, 31), d(2024, 10, 2), d(2024, 12, 31))
    assert (
        words.previous_period_phrase(*one_quarter)
        == "the previous period of the same length (2 Oct to 31 Dec 2024)"
    )


# --- sentences ------------------------------------------------------------------------------


def test_change_rose_fell_unchanged():
    assert (
        words.change_sentence("reports", 120, 100, QUARTER)
        == "Reports rose by 20% on the previous quarter, from 100 to 120."
    )
    assert (
        words.change_sentence("investigations", 30, 40, "the previous period")
        == "Investigations fell by 25% on the previous period, from 40 to 30."
    )
    assert (
        words.change_sentence("reports", 12345, 12345, QUARTER)
        == "Reports were unchanged on the previous quarter, at 12,345."
    )
    assert (
        words.change_sentence("reports", 10001, 10000, QUARTER)
        == "Reports rose by less than 1% on the previous quarter, from 10,000 to 10,001."
    )
    assert (
        words.change_sentence("cases to answer", 2400, 1600, QUARTER)
        == "Cases to answer rose by 50% on the previous quarter, from 1,600 to 2,400."
    )
    # 10 is enough to compare
    assert (
        words.change_sentence("dismissals", 11, 10, QUARTER)
        == "Dismissals rose by 10% on the previous quarter, from 10 to 11."
    )


def test_change_from_zero_or_a_small_count_is_too_few_to_compare():
    assert (
        words.change_sentence("dismissals", 12, 0, QUARTER)
        == "Too few dismissals in the previous quarter to compare: 0, against 12 in this period."
    )
    assert (
        words.change_sentence("dismissals", 6, 9, QUARTER)
        == "Too few dismissals in the previous quarter to compare: 9, against 6 in this period."
    )


def test_change_is_never_worked_out_from_a_suppressed_figure():
    assert words.change_sentence("dismissals", C, 50, QUARTER) == (
        "The number of dismissals in this period is suppressed ([c]), so it is not compared "
        "with the previous quarter."
    )
    assert words.change_sentence("dismissals", 50, C, QUARTER) == (
        "The number of dismissals in the previous quarter is suppressed ([c]), so it is not "
        "compared."
    )
    assert words.change_sentence("dismissals", 50, None, QUARTER) is None


def test_shares():
    assert (
        words.share_sentence(80, 120, "reports", "made by phone")
        == "67% of reports were made by phone (80 of 120)."
    )
    assert (
        words.share_sentence(1, 1500, "reports", "made online")
        == "Less than 1% of reports were made online (1 of 1,500)."
    )
    assert words.share_sentence(C, 120, "reports", "made anonymously") == (
        "The number of reports made anonymously is suppressed ([c]), so its share is not given."
    )
    assert words.share_sentence(3, C, "reports", "made by phone") == (
        "The number of reports is suppressed ([c]), so the share made by phone is not given."
    )
    assert (
        words.share_sentence(5, 8, "reports", "made by phone")
        == "Too few reports (8) to give the share made by phone."
    )
    assert words.share_sentence(0, 0, "reports", "made by phone") is None


def test_case_to_answer():
    as_at = dt.date(2025, 7, 3)
    assert (
        words.case_to_answer_sentence(12, 50, as_at)
        == "12 of 50 investigations have found a case to answer so far (as at 3 Jul 2025)."
    )
    assert (
        words.case_to_answer_sentence(1, 1200, as_at)
        == "1 of 1,200 investigations has found a case to answer so far (as at 3 Jul 2025)."
    )
    assert (
        words.case_to_answer_sentence(0, 50, as_at)
        == "None of the 50 investigations has found a case to answer so far (as at 3 Jul 2025)."
    )
    assert (
        words.case_to_answer_sentence(0, 0, as_at)
        == "None of the reports has led to an investigation so far (as at 3 Jul 2025)."
    )
    assert words.case_to_answer_sentence(C, 50, as_at) == (
        "How many of the 50 investigations have found a case to answer so far is suppressed ([c])."
    )
    assert words.case_to_answer_sentence(C, C, as_at) == (
        "The number of investigations is suppressed ([c]), so how many have found a case to "
        "answer is not given."
    )


def test_removal_open_cases_and_awaiting_a_decision():
    assert words.removal_sentence(9, 6) == (
        "9 referrals have led to removal from policing so far (dismissal, or a finding that the "
        "person would have been dismissed had they not left), 6 of them dismissals."
    )
    assert words.removal_sentence(9, C) == (
        "9 referrals have led to removal from policing so far (dismissal, or a finding that the "
        "person would have been dismissed had they not left)."
    )
    assert words.removal_sentence(0, 0) == "No referral has led to removal from policing so far."
    assert words.removal_sentence(C, C) == (
        "The number of referrals that have led to removal from policing so far is suppressed ([c])."
    )
    assert words.open_cases_sentence(1) == (
        "1 investigation is still open (no outcome that ends the case yet)."
    )
    assert words.open_cases_sentence(0) == "No investigation is still open."
    assert words.awaiting_sentence(1250, 3) == (
        "1,250 referrals are awaiting a force's decision, 3 of them for more than 28 days."
    )
    assert words.awaiting_sentence(7, C) == (
        "7 referrals are awaiting a force's decision; how many for more than 28 days is "
        "suppressed ([c])."
    )
    assert words.awaiting_sentence(7, 0) == (
        "7 referrals are awaiting a force's decision, none of them for more than 28 days."
    )
    assert words.awaiting_sentence(0, 0) == "No referral is awaiting a force's decision."
    assert words.awaiting_sentence(C, C) == (
        "The number of referrals awaiting a force's decision is suppressed ([c])."
    )


def test_times():
    assert words.dissemination_time_sentence(62, 3.0, 10.0) == (
        "Half of the referrals reached a force within 3 days of the report being received, "
        "and 90% within 10 days."
    )
    assert words.dissemination_time_sentence(0, None, None) == (
        "No report has been passed on to a force yet, so there is no time to pass on to give."
    )
    assert words.finding_time_sentence(30, 120.5, C) == (
        "Half of the investigation findings came within 120.5 days of the referral."
    )
    assert words.outcome_time_sentence(50, 290.0, None) == (
        "An estimated half of the 50 investigations reached an outcome that ends the case "
        "within 290 days of the report (a Kaplan–Meier estimate that counts open cases as "
        "still open); the 90th percentile cannot be estimated yet."
    )
    assert words.outcome_time_sentence(1500, None, None) == (
        "Fewer than half of the 1,500 investigations have reached an outcome that ends the case "
        "so far, so the median days to outcome cannot be estimated yet."
    )
    assert words.outcome_time_sentence(50, 200.0, 400.0).endswith(
        "still open), and 90% within 400 days."
    )
    assert words.dismissal_time_sentence(C, C, C) == (
        "The days taken to a dismissal are suppressed ([c])."
    )
    assert words.dismissal_time_sentence(0, None, None) is None


# --- the commentary of a whole snapshot -----------------------------------------------------


def test_commentary_of_the_internal_snapshot(internal_snapshot):
    sections = dict(words.commentary(internal_snapshot))
    assert list(sections) == [
        "Reports",
        "Change on the previous quarter (January to March 2025)",
        "Outcomes so far",
        "How long it takes",
    ]
    assert sections["Reports"] == [
        "120 reports were received from 1 Apr to 30 Jun 2025.",
        "67% of reports were made by phone (80 of 120).",
        "33% of reports were made online (40 of 120).",
        "25% of reports were made anonymously (30 of 120).",
        "50% of reports were passed on to a force (60 of 120).",
    ]
    assert sections["Change on the previous quarter (January to March 2025)"][:5] == [
        "Reports rose by 20% on the previous quarter, from 100 to 120.",
        "Reports passed on to a force rose by 20% on the previous quarter, from 50 to 60.",
        "Investigations rose by 25% on the previous quarter, from 40 to 50.",
        "Cases to answer rose by 20% on the previous quarter, from 10 to 12.",
        "Too few dismissals in the previous quarter to compare: 5, against 6 in this period.",
    ]
    assert sections["Outcomes so far"][0] == (
        "12 of 50 investigations have found a case to answer so far (as at 3 Jul 2025)."
    )
    assert sections["Outcomes so far"][3] == (
        "7 referrals are awaiting a force's decision, 3 of them for more than 28 days."
    )
    assert sections["How long it takes"][3] == (
        "Half of the dismissals came within 400 days of the report being received, and 90% "
        "within 600.5 days."
    )


def test_commentary_of_the_public_snapshot_says_suppressed(public_snapshot):
    sentences = [s for _, part in words.commentary(public_snapshot) for s in part]
    assert (
        "The number of dismissals in this period is suppressed ([c]), so it is not compared "
        "with the previous quarter." in sentences
    )
    assert (
        "7 referrals are awaiting a force's decision; how many for more than 28 days is "
        "suppressed ([c])." in sentences
    )
    assert "The days taken to a dismissal are suppressed ([c])." in sentences
    assert not any("6 of them" in s for s in sentences)


def test_commentary_of_periods_that_are_not_quarters():
    snapshot = dataclasses.replace(
        make_snapshot(public=False),
        first_date=dt.date(2025, 4, 1),
        last_date=dt.date(2025, 6, 29),
        previous_first_date=dt.date(2025, 1, 2),
        previous_last_date=dt.date(2025, 3, 31),
    )
    sections = words.commentary(snapshot)
    heading, sentences = sections[1]
    assert heading == "Change on the previous period of the same length (2 Jan to 31 Mar 2025)"
    assert sentences[0] == "Reports rose by 20% on the previous period, from 100 to 120."


def test_commentary_without_a_previous_period():
    snapshot = dataclasses.replace(
        make_snapshot(public=True),
        previous_headline=None,
        previous_first_date=None,
        previous_last_date=None,
    )
    assert words.commentary(snapshot)[1] == (
        "Change on the previous period",
        [
            "No comparison is made: the period of the same length just before this one is not "
            "covered by the stored data."
        ],
    )


# --- cells, ticks, the national rate --------------------------------------------------------


def test_cells_are_shown_as_published():
    assert format_cell(C, "reports") == "[c]"
    assert format_cell(None, "reports_per_1000_officers_a_year") == "–"
    assert format_cell(float("nan"), "officer_fte") == "–"
    assert format_cell(12345, "reports") == "12,345"
    assert format_cell(33000.5, "officer_fte") == "33,000.5"
    assert format_cell(1200.0, "officer_fte") == "1,200"
    assert format_cell(3.0, "reports_per_1000_officers_a_year") == "3.00"
    assert format_cell(1200.0, "officer_years") == "1,200.00"
    assert format_cell(3.0, "median_days") == "3.0"
    assert format_cell("<b>", "force_name") == "<b>"  # escaped when written, not here


def test_axis_ticks_are_round_numbers():
    assert nice_ticks(30) == [0, 10, 20, 30]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3.59, whole=False) == [0, 1, 2, 3, 4]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]


def test_national_rate_from_the_table_only_when_nothing_is_suppressed(
    internal_snapshot, public_snapshot
):
    # (100 + 14 + 3) reports / (32,977.91 + 3,897.58 + 1,199.18) officer-years x 1,000
    # = 3.0729..., not over the officers (3.0708...)
    assert national_rate(internal_snapshot.table("reports_by_force")) == (3.07, 3)
    assert national_rate(public_snapshot.table("reports_by_force")) is None


# --- the HTML -------------------------------------------------------------------------------


def _hostile(snapshot):
    """The snapshot with force names that would do harm if they were not escaped."""
    snapshot = copy.deepcopy(snapshot)
    by_force = snapshot.tables["reports_by_force"]
    by_force.loc[0, "force_name"] = "<script>alert('force')</script>"
    by_force.loc[1, "force_name"] = '=HYPERLINK("https://example.org/x","Kent")'
    snapshot.notes = ["A note with <b>markup</b> & an ampersand."]
    return snapshot


class _Tags(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def test_report_refers_to_nothing_outside_itself(public_snapshot):
    text = render_report(_hostile(public_snapshot))
    tags = _tags(text)
    references = [
        value for _, attrs in tags for key, value in attrs.items() if key in ("src", "href")
    ]
    assert references, "the contents' in-page links were expected"
    assert all(value.startswith("#") or value == "data:," for value in references), references
    assert not any(tag in ("script", "img", "iframe", "object", "embed") for tag, _ in tags)
    assert "<script" not in text.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)
    assert "url(" not in text and "@import" not in text and "@font-face" not in text
    assert "xmlns" not in text


def test_hostile_text_from_the_snapshot_is_inert(public_snapshot):
    text = render_report(_hostile(public_snapshot))
    assert "&lt;script&gt;alert(&#x27;force&#x27;)&lt;/script&gt;" in text
    assert "=HYPERLINK(&quot;https://example.org/x&quot;,&quot;Kent&quot;)" in text
    assert "A note with &lt;b&gt;markup&lt;/b&gt; &amp; an ampersand." in text
    assert "<b>markup" not in text


def test_report_holds_every_table_in_order_with_marks(public_snapshot, internal_snapshot):
    text = render_report(public_snapshot)
    positions = [text.index(f'id="table-{spec.name}"') for spec in TABLES]
    assert positions == sorted(positions)
    for spec in TABLES:
        assert f">{spec.title}</h3>" in text
        assert f"<code>{spec.name}.csv</code>" in text
    assert '<td class="num">[c]</td>' in text
    assert '<td class="num">–</td>' in text
    assert "cannot be computed" in text
    assert '<td class="num">33,000.5</td>' in text
    assert "<td>Metropolitan Police Service</td>" in text
    internal = render_report(internal_snapshot)
    assert '<td class="num">[c]</td>' not in internal
    assert '<td class="num">2.50</td>' in internal


def test_report_says_what_it_is(public_snapshot, internal_snapshot):
    public = render_report(public_snapshot)
    internal = render_report(internal_snapshot)
    for text in (public, internal):
        assert "Synthetic demonstration data, not real reports." in text
        assert "Experimental statistics" in text
        assert "4 July 2025, 09:30 UTC" in text  # generated
    assert "1 April to 30 June 2025" in internal and "3 July 2025" in internal  # as at
    # months only in public: no public output names a date finer than a month
    assert "April to June 2025" in public and "as at July 2025" in public
    for day in ("1 Apr", "30 Jun", "3 Jul", "1 April", "30 June", "3 July"):
        assert day not in public, day
        assert "6 reports name no force (subject force not known)." in text
    assert "Public snapshot: disclosure-controlled." in public
    assert "Internal: not for publication." not in public
    assert "Internal: not for publication." in internal
    assert "A count from 1 to 4 is shown as [c]" in public
    real = render_report(dataclasses.replace(public_snapshot, synthetic=False))
    assert "Synthetic demonstration data" not in real


def test_headline_figures(public_snapshot, internal_snapshot):
    text = render_report(internal_snapshot)
    assert (
        '<span class="value">25%</span><span class="label">Anonymous</span>'
        '<span class="sub">30 of 120 reports</span>' in text
    )
    assert '<span class="sub">3 of them for more than 28 days</span>' in text
    assert '<th scope="row">… of them waiting more than 28 days</th>' in text
    public = render_report(public_snapshot)
    assert '<span class="value">[c]</span><span class="label">Dismissals</span>' in public


def test_outcomes_decided_beside_the_cohort(public_snapshot, internal_snapshot):
    """outcomes_decided.csv beside the headline's count of the same outcome, with its days."""
    text = render_report(internal_snapshot)
    assert (
        '<th scope="col" class="num">Decided from 1 Apr to 30 Jun 2025</th><th scope="col" '
        'class="num">Of reports received from 1 Apr to 30 Jun 2025, so far</th>' in text
    )
    # dismissals: 11 decided in the period, 6 of the period's reports (headline), their days
    assert (
        '<tr><th scope="row">Dismissals</th><td class="num">11</td><td class="num">6</td>'
        '<td class="num">330.0</td><td class="num">512.5</td></tr>' in text
    )
    public = render_report(public_snapshot)
    assert (
        '<tr><th scope="row">Would have been dismissed</th><td class="num">[c]</td>'
        '<td class="num">[c]</td><td class="num">[c]</td><td class="num">[c]</td></tr>' in public
    )
    # a release made before the table existed has none: the section is left out
    older = dataclasses.replace(public_snapshot, tables=dict(public_snapshot.tables))
    older.tables["outcomes_decided"] = older.tables["outcomes_decided"].iloc[0:0]
    assert 'id="outcomes-decided"' not in render_report(older)


def test_revisions_in_each_of_the_three_cases(public_snapshot):
    none_compared = dataclasses.replace(public_snapshot, revisions=None)
    assert "<p>No earlier snapshot was compared.</p>" in render_report(none_compared)
    unchanged = dataclasses.replace(public_snapshot, revisions=[])
    assert (
        "<p>No figure changed since the snapshot of 1 July 2025, 08:00 UTC.</p>"
        in render_report(unchanged)
    )
    changed = dataclasses.replace(
        public_snapshot,
        revisions=[
            Revision("headline", "reports", "value", "118", "120"),
            Revision("reports_by_force", "<KNT>", "reports_per_1000_officers_a_year", "", "3.59"),
        ],
    )
    text = render_report(changed)
    assert "2 figures have changed since the snapshot of 1 July 2025, 08:00 UTC" in text
    assert (
        '<tr><th scope="row">headline</th><td>reports</td><td>value</td>'
        '<td class="num">118</td><td class="num">120</td></tr>' in text
    )
    assert "<td>&lt;KNT&gt;</td>" in text
    assert '<td class="num">(empty)</td><td class="num">3.59</td>' in text


def test_charts_are_accessible_svg_with_notes(public_snapshot, internal_snapshot):
    text = render_report(public_snapshot)
    charts = [attrs for tag, attrs in _tags(text) if tag == "svg"]
    assert [chart["id"] for chart in charts] == [
        "chart-reports-by-month",
        "chart-reports-per-1000",
        "chart-timeliness",
    ]
    for chart in charts:
        assert chart["role"] == "img"
        assert chart["aria-labelledby"] == f"{chart['id']}-title {chart['id']}-desc"
        assert f'<title id="{chart["id"]}-title">' in text
        assert f'<desc id="{chart["id"]}-desc">' in text
    # the channel colours of the dashboard's palette (Okabe-Ito blue and orange)
    assert 'stroke="#0072B2"' in text and 'stroke="#E69F00"' in text
    assert "Phone: Apr 2025 30, May 2025 25, Jun 2025 25" in text
    # public: DYF's rate is suppressed, so two forces are drawn and no national rate
    assert "Horizontal bars for 2 forces, highest rate first: Kent Police 3.59 to " in text
    assert "No national rate is marked" in text
    # a suppressed rate or time keeps its row in the chart, with no bar
    assert "1 force with a suppressed rate is listed last, with no bar." in text
    assert ">Dyfed-Powys Police</text>" in text
    assert ">Report to dismissal</text>" in text
    assert "290 days; 90%: not reached yet" in text
    assert "1 value is suppressed as [c] and not drawn." in text
    assert "2 values are suppressed as [c] and not drawn." in text  # dismissal: median, p90
    internal = render_report(internal_snapshot)
    assert "England and Wales (3 forces in the service): 3.07" in internal
    assert "Horizontal bars for 3 forces" in internal


def test_report_is_deterministic_and_written_as_utf8(public_snapshot, tmp_path):
    text = render_report(public_snapshot)
    assert render_report(copy.deepcopy(public_snapshot)) == text
    assert render_report(make_snapshot(public=True, with_revisions=True)) == text
    path = tmp_path / "snapshot.html"
    write_report(public_snapshot, path)
    assert path.read_bytes() == text.encode("utf-8")


def test_report_of_an_empty_period():
    snapshot = make_snapshot(public=True)
    snapshot.tables["reports_by_month"] = pd.DataFrame({"month": [], "channel": [], "reports": []})
    by_force = snapshot.tables["reports_by_force"]
    by_force["reports_per_1000_officers_a_year"] = [None, None, C, None]
    snapshot.tables["timeliness"]["cases"] = [0, 0, 0, 0]
    snapshot.tables["timeliness"]["median_days"] = [None] * 4
    snapshot.tables["timeliness"]["p90_days"] = [None] * 4
    text = render_report(snapshot)
    assert "No month to draw" in text
    assert "No force has a rate per 1,000 officers a year to draw" in text
    assert text.count("no cases yet</text>") == 4
    assert "No report has been passed on to a force yet" in text


# --- in a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/test.sh to install it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def _open_offline(browser, path: Path):
    """A page showing the file, with every request, console error and dialog recorded."""
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    seen = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on(
        "console",
        lambda message: seen["errors"].append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return page, seen


@pytest.mark.browser
def test_report_renders_offline_in_chromium_and_prints(browser, public_snapshot, tmp_path):
    path = tmp_path / "snapshot.html"
    write_report(_hostile(public_snapshot), path)
    page, seen = _open_offline(browser, path)
    try:
        assert seen["requests"] == [path.as_uri()]
        assert seen["errors"] == []
        assert seen["dialogs"] == []
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert page.title().startswith("Transparency snapshot, April to June 2025")
        # nothing wider than the page, and every chart drawn at a readable size
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        widths = page.evaluate(
            "[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width)"
        )
        assert len(widths) == 3 and all(width > 600 for width in widths)
        headings = page.locator("h3").all_inner_texts()
        for spec in TABLES:
            assert spec.title in headings
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.pdf(
            path=str(ARTIFACTS / "report.pdf"),
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
        )
        pdf = (ARTIFACTS / "report.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        assert pages >= 4  # page breaks before the charts, the tables and the methodology
        assert seen["requests"] == [path.as_uri()]  # printing fetched nothing either
        assert seen["errors"] == []
    finally:
        page.close()


@pytest.mark.browser
def test_internal_report_renders_without_errors(browser, internal_snapshot, tmp_path):
    path = tmp_path / "snapshot.html"
    write_report(internal_snapshot, path)
    page, seen = _open_offline(browser, path)
    try:
        assert seen["requests"] == [path.as_uri()]
        assert seen["errors"] == []
        assert (
            page.locator(".banner.internal")
            .inner_text()
            .startswith("Internal: not for publication.")
        )
    finally:
        page.close()
