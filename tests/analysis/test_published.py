"""The public page's words and figures (oversight/analysis/published.py), on a tiny release
written by hand: every expected value worked out here, not by the module."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from oversight.analysis import published as shown
from oversight.snapshot.model import SUPPRESSED, Revision, Snapshot
from oversight.snapshot.periods import PublicPeriod

C = SUPPRESSED


def release(revisions=None) -> Snapshot:
    """Three forces with officers (one withheld), one without, "Force not known"; two months."""
    headline = pd.DataFrame(
        {
            "measure": ["reports", "disseminated_reports", "referrals", "investigations",
                        "case_to_answer", "dismissals", "would_have_been_dismissed",
                        "removed_from_policing", "open_cases"],
            "value": [1630, 40, 41, 30, 12, C, C, 7, 0],
        }
    )  # fmt: skip
    by_force = pd.DataFrame(
        {
            "force_code": ["kent", "essex", "sussex", "police_scotland", "unknown"],
            "force_name": ["Kent Police", "Essex Police", "Sussex Police", "Police Scotland",
                           "Force not known"],
            "reports": [307, 1279, 23, 12, 9],
            "officer_fte": [4168.18, 3759.5, 3206.09, None, None],
            "officer_years": [4165.33, 3757.41, 3203.9, None, None],
            "reports_per_1000_officers_a_year": [73.7, 340.39, 7.18, None, None],
        }
    )  # fmt: skip
    outcomes = pd.DataFrame(
        {
            "force_code": ["kent", "police_scotland"],
            "force_name": ["Kent Police", "Police Scotland"],
            "referrals": [31, 10],
            "investigations": [22, 8],
            "case_to_answer": [9, 3],
            "dismissals": [C, C],
            "would_have_been_dismissed": [0, C],
        }
    )
    months = pd.DataFrame(
        {
            "month": ["2025-04", "2025-04", "2025-05", "2025-05"],
            "channel": ["phone", "online", "phone", "online"],
            "reports": [1000, 3, C, 627],
        }
    )
    times = pd.DataFrame(
        {
            "measure": ["days_to_dissemination", "days_to_outcome", "days_to_dismissal"],
            "cases": [41, 30, C],
            "median_days": [20.5, 295, C],
            "p90_days": [54.0, None, C],
        }
    )
    # the outcomes decided in the period: dismissals withheld, so their days too; none barred
    decided = pd.DataFrame(
        {
            "measure": ["case_to_answer", "false_allegations", "dismissals",
                        "would_have_been_dismissed", "barred", "criminal_charges"],
            "decided": [1204, 6, C, 0, 0, 11],
            "median_days": [190.5, C, C, None, None, 20.0],
            "p90_days": [377.49, C, C, None, None, 44.5],
        }
    )  # fmt: skip
    decided_by_force = pd.DataFrame(
        {
            "force_code": ["kent", "essex", "sussex", "police_scotland"],
            "force_name": ["Kent Police", "Essex Police", "Sussex Police", "Police Scotland"],
            "case_to_answer": [1000, 199, C, C],
            "false_allegations": [C, C, 0, 0],
            "dismissals": [C, 0, C, 0],
            "would_have_been_dismissed": [0, 0, 0, 0],
            "barred": [0, 0, 0, 0],
            "criminal_charges": [11, 0, 0, 0],
        }
    )
    # cells as a release is read back: ints, floats, None and [c] side by side
    headline, by_force, outcomes, months, times, decided, decided_by_force = (
        frame.astype(object).where(frame.notna(), None)
        for frame in (headline, by_force, outcomes, months, times, decided, decided_by_force)
    )
    return Snapshot(
        tables={"headline": headline, "reports_by_force": by_force, "outcomes_by_force": outcomes,
                "reports_by_month": months, "timeliness": times,
                "reports_by_category": pd.DataFrame({"category": ["other"], "reports": [5]}),
                "outcomes_decided": decided, "outcomes_decided_by_force": decided_by_force},
        first_date=dt.date(2025, 4, 1), last_date=dt.date(2025, 6, 30), as_at=dt.date(2025, 10, 1),
        generated_at=dt.datetime(2025, 11, 1, tzinfo=dt.UTC), public=True, threshold=5,
        synthetic=True, software_version="test", revisions=revisions, period=PublicPeriod(2025, 1),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "column", "text"),
    [
        (C, "reports", C),
        (None, "reports_per_1000_officers_a_year", "–"),
        (0, "reports", "0"),
        (1234567, "reports", "1,234,567"),
        (340.5, "median_days", "341"),  # halves up, whole days
        (340.4, "p90_days", "340"),
        (73.45, "reports_per_1000_officers_a_year", "73.5"),  # binary floats would give 73.4
        (3326.5, "officer_fte", "3,327"),
        (1204.49, "officer_years", "1,204"),
    ],
)
def test_a_cell_is_shown_for_people(value, column, text):
    assert shown.cell_text(value, column) == text


def test_a_table_in_words_names_forces_and_codes_and_keeps_withheld_cells():
    frame = pd.DataFrame(
        {
            "force_code": ["kent"],
            "force_name": ["Kent Police"],
            "dismissals": [C],
            "median_days": [120.5],
            "decided_in_period": [1500],  # a column of a table added later: words from its name
        }
    )
    assert shown.people_table("anything", frame).to_dict("records") == [
        {
            "Force": "Kent Police",
            "Dismissals": C,
            "Half took no longer than (days)": "121",
            "Decided in period": "1,500",
        }
    ]
    categories = pd.DataFrame({"category": ["abuse_of_position", "new_code"], "reports": [5, 0]})
    assert list(shown.people_table("reports_by_category", categories)["Category"]) == [
        "Abuse of position",
        "New code",
    ]


def test_the_marks_are_explained_only_where_a_table_has_them():
    frame = release().tables["reports_by_force"]
    note = shown.marks_note(frame, 5)
    assert "[c] means withheld: fewer than 5" not in note  # no count withheld in it
    assert "– means the figure cannot be worked out" in note
    assert "[c] means withheld: fewer than 5" in shown.marks_note(release().tables["headline"], 5)
    assert shown.marks_note(pd.DataFrame({"a": [1]}), 5) == ""


def test_months_keep_a_withheld_cell_as_no_bar():
    months = shown.monthly(release())
    assert months.months == ["Apr 2025", "May 2025"]
    assert months.by_channel == {"Phone": [1000, None], "Online": [3, 627]}
    assert months.withheld == 1
    assert shown.monthly_table(release()).to_dict("records") == [
        {"Month": "Apr 2025", "Phone": "1,000", "Online": "3"},
        {"Month": "May 2025", "Phone": C, "Online": "627"},
    ]


def test_times_are_whole_days_with_words_for_what_is_missing():
    times = shown.times(release())
    assert times.stages == ["Report to referral", "Report to outcome", "Report to dismissal"]
    assert times.medians == [21, 295, None]
    assert times.p90s == [54, None, None]
    assert times.median_texts == ["21 days", "295 days", C]
    assert times.p90_texts == ["54 days", "not reached yet", C]
    # the sentences are written from whole days too
    whole = shown.with_whole_days(release()).tables["timeliness"]
    assert list(whole["median_days"]) == [21, 295, C]


def test_the_path_and_outcomes_keep_withheld_stages():
    outcomes = shown.outcomes(release())
    assert outcomes.labels[:3] == ["Case to answer", "Dismissed", "Would have been dismissed"]
    assert outcomes.values[:3] == [12.0, None, None]
    assert outcomes.texts[:3] == ["12", C, C]
    path = shown.report_path(release())
    assert path.texts == ["1,630", "40", "30", "12", "7"]


def test_a_force_beside_england_and_wales_and_each_peer():
    """Kent with peers Sussex and Essex (and a peer not in the release, left out). England and
    Wales: every force with an officer figure, (307 + 1,279 + 23) / (4,165.33 + 3,757.41 +
    3,203.90) × 1,000 = 144.61...; Sussex, with no referral, has 0 in the outcomes."""
    figures = shown.force_figures(release(), "kent", ("sussex", "essex", "nowhere"))
    assert figures.name == "Kent Police" and figures.peers == ("sussex", "essex")
    assert [(t.label, t.value) for t in figures.tiles] == [
        ("Reports", "307"),
        ("Per 1,000 officers", "73.7"),
        ("Referrals received", "31"),
        ("Investigations", "22"),
        ("Case to answer", "9"),
        ("Dismissals", C),
    ]
    assert figures.rates.to_dict("records") == [
        {"Force": "Kent", "Per 1,000 officers a year": "73.7", "Reports": "307",
         "Officers (full-time equivalent)": "4,168"},
        {"Force": "England and Wales", "Per 1,000 officers a year": "144.6", "Reports": "1,609",
         "Officers (full-time equivalent)": "11,134"},
        {"Force": "Sussex", "Per 1,000 officers a year": "7.2", "Reports": "23",
         "Officers (full-time equivalent)": "3,206"},
        {"Force": "Essex", "Per 1,000 officers a year": "340.4", "Reports": "1,279",
         "Officers (full-time equivalent)": "3,760"},
    ]  # fmt: skip
    nothing = {"Referrals received": "0", "Investigations": "0", "Case to answer": "0",
               "Dismissals": "0", "Would have been dismissed": "0"}  # fmt: skip
    assert figures.outcomes.to_dict("records") == [
        {"Force": "Kent", "Referrals received": "31", "Investigations": "22",
         "Case to answer": "9", "Dismissals": C, "Would have been dismissed": "0"},
        {"Force": "Every force in the service", "Referrals received": "41",
         "Investigations": "30", "Case to answer": "12", "Dismissals": C,
         "Would have been dismissed": C},
        {"Force": "Sussex", **nothing},
        {"Force": "Essex", **nothing},
    ]  # fmt: skip
    assert figures.rate_bars.labels == ["Kent", "England and Wales", "Sussex", "Essex"]
    assert figures.rate_bars.texts == ["73.7", "144.6", "7.2", "340.4"]


def test_england_and_wales_is_not_worked_out_when_a_force_count_is_withheld():
    snapshot = release()
    by_force = snapshot.tables["reports_by_force"]
    by_force.loc[2, ["reports", "reports_per_1000_officers_a_year"]] = [C, C]
    figures = shown.force_figures(snapshot, "kent", ("sussex",))
    national = figures.rates.to_dict("records")[1]
    assert national == {"Force": "England and Wales", "Per 1,000 officers a year": "–",
                        "Reports": "–", "Officers (full-time equivalent)": "–"}  # fmt: skip
    assert figures.rate_bars.values[1] is None and figures.rate_bars.values[2] is None
    assert figures.rate_bars.texts[2] == C


def test_an_address_names_a_force_in_any_case():
    forces = shown.released_forces(release())
    assert "unknown" not in forces  # "Force not known" is no force
    assert shown.asked_force(" Kent ", forces) == "kent"
    assert shown.asked_force("unknown", forces) is None
    assert shown.asked_force("nowhere", forces) is None
    assert shown.asked_force(None, forces) is None


def test_revisions_are_said_in_words():
    snapshot = release(
        revisions=[
            Revision("reports_by_month", "2025-04/phone", "reports", "999", "1000"),
            Revision(
                "reports_by_force", "kent", "reports_per_1000_officers_a_year", "73.45", "73.7"
            ),
            Revision("headline", "dismissals", "value", "5", C),
            Revision("timeliness", "days_to_outcome", "median_days", "290.5", ""),
        ]
    )
    assert shown.revisions_table(snapshot).to_dict("records") == [
        {"Table": "Reports by month and channel", "Row": "Apr 2025, Phone", "Figure": "Reports",
         "Was": "999", "Now": "1,000"},
        {"Table": "Reports by force named, and per 1,000 officers a year", "Row": "Kent Police",
         "Figure": "Reports per 1,000 officers a year", "Was": "73.5", "Now": "73.7"},
        {"Table": "Headline counts", "Row": "Dismissals", "Figure": "Number", "Was": "5",
         "Now": C},
        {"Table": "Time taken at each stage, in days", "Row": "Report to outcome (Kaplan–Meier)",
         "Figure": "Half took no longer than (days)", "Was": "291", "Now": "–"},
    ]  # fmt: skip


def test_numbers_are_aligned_right():
    frame = pd.DataFrame({"Force": ["Kent"], "Reports": ["1,234"], "Rate": [C], "Days": ["–"]})
    assert shown.numeric_columns(frame) == ["Reports", "Rate", "Days"]


def test_the_outcomes_decided_beside_the_cohort_in_words():
    """Each outcome decided in the period beside the same outcome of the period's reports so far
    (the headline; this release has no headline figure for the last three: –), headed by the
    period; days whole, halves up (190.5 -> 191, 377.49 -> 377); [c] and – explained."""
    event = shown.decided(release())
    decided, cohort = (
        "Decided in April to June 2025",
        "Of reports received in April to June 2025, so far",
    )
    assert (event.decided_label, event.cohort_label) == (decided, cohort)
    half, most = "Half took no longer than (days)", "9 in 10 took no longer than (days)"
    assert event.table.to_dict("records") == [
        {"Outcome": "Case to answer", decided: "1,204", cohort: "12", half: "191", most: "377"},
        {"Outcome": "False allegations found", decided: "6", cohort: "–", half: C, most: C},
        {"Outcome": "Dismissals", decided: C, cohort: C, half: C, most: C},
        {"Outcome": "Would have been dismissed", decided: "0", cohort: C, half: "–", most: "–"},
        {"Outcome": "Barred from policing", decided: "0", cohort: "–", half: "–", most: "–"},
        {"Outcome": "Criminal charges", decided: "11", cohort: "–", half: "20", most: "45"},
    ]  # fmt: skip
    assert event.decided.values == [1204.0, 6.0, None, 0.0, 0.0, 11.0]
    assert event.cohort.values == [12.0, None, None, None, None, None]
    assert event.decided.labels == list(event.table["Outcome"])
    assert "[c] means withheld: fewer than 5" in event.note
    assert "Days are withheld ([c]) where fewer than 10 outcomes" in event.note
    assert "–: none was decided" in event.note


def test_the_outcomes_decided_are_named_by_the_release_period():
    year = dataclasses.replace(release(), period=PublicPeriod(2025))
    assert shown.decided_words(year) == "in 2025/26"
    assert shown.decided_words(release()) == "in April to June 2025"


def test_a_release_made_before_the_outcomes_decided_shows_none():
    """Tables added after a release was made are read back empty: no section, no rows."""
    snapshot = release()
    for name in ("outcomes_decided", "outcomes_decided_by_force"):
        snapshot.tables[name] = snapshot.tables[name].iloc[0:0]
    assert shown.decided(snapshot) is None
    assert shown.force_figures(snapshot, "kent", ("essex",)).decided is None


def test_a_force_beside_each_peer_in_the_outcomes_decided():
    """Kent's released row, every force's (the release's totals of the outcomes decided) and
    each peer's row one by one; no row for the peers together."""
    figures = shown.force_figures(release(), "kent", ("sussex", "essex"))
    columns = ("Case to answer", "False allegations found", "Dismissals",
               "Would have been dismissed", "Barred from policing", "Criminal charges")  # fmt: skip
    assert list(figures.decided.columns) == ["Force", *columns]
    rows = [
        ("Kent", "1,000", C, C, "0", "0", "11"),
        ("Every force in the service", "1,204", "6", C, "0", "0", "11"),
        ("Sussex", C, "0", C, "0", "0", "0"),
        ("Essex", "199", C, "0", "0", "0", "0"),
    ]
    assert figures.decided.to_dict("records") == [
        dict(zip(["Force", *columns], row, strict=True)) for row in rows
    ]
    assert "[c] means withheld" in figures.marks
