"""Hand-made snapshots for the writers' tests (spreadsheet, report): small tables whose every
value is written here, not computed by the program."""

import datetime as dt

import pandas as pd
import pytest

from oversight.snapshot.model import SUPPRESSED, Revision, Snapshot
from tests.analysis.decided_reference import KINDS

C = SUPPRESSED

HEADLINE_MEASURES = (
    "reports", "reports_phone", "reports_online", "anonymous_reports", "disseminated_reports",
    "referrals", "investigations", "transferred", "case_to_answer", "false_allegations",
    "dismissals", "would_have_been_dismissed", "removed_from_policing", "barred",
    "criminal_charges", "open_cases", "awaiting_force_decision",
    "awaiting_force_decision_overdue",
)  # fmt: skip


def _tables(public: bool) -> dict[str, pd.DataFrame]:
    small = C if public else 3
    other = C if public else 6
    headline = pd.DataFrame(
        {
            "measure": HEADLINE_MEASURES,
            "value": [
                120,
                80,
                40,
                30,
                60,
                62,
                50,
                5,
                12,
                small,
                other,
                small,
                9,
                small,
                0,
                20,
                7,
                small,
            ],
        }  # fmt: skip
    )
    by_force = pd.DataFrame(
        {
            "force_code": ["MPS", "KNT", "DYF", "unknown"],
            "force_name": [
                "Metropolitan Police Service",
                "Kent Police",
                "Dyfed-Powys Police",
                "Force not known",
            ],  # fmt: skip
            "reports": [100, 14, small, other],
            "officer_fte": [33000.5, 3900.25, 1200.0, None],
            # a period of 365 days, every force in the service: officer_fte × 365 / 365.25
            "officer_years": [32977.91, 3897.58, 1199.18, None],
            "reports_per_1000_officers_a_year": [3.03, 3.59, C if public else 2.5, None],
        }
    )
    by_category = pd.DataFrame(
        {
            "category": [
                "corrupt_exchange",
                "abuse_of_position",
                "sexual_misconduct",
                "domestic_abuse",
                "discrimination",
                "other",
            ],  # fmt: skip
            "reports": [40, 50, 30, 0, small, 10],
        }
    )
    by_month = pd.DataFrame(
        {
            "month": ["2025-04", "2025-04", "2025-05", "2025-05", "2025-06", "2025-06"],
            "channel": ["phone", "online"] * 3,
            "reports": [30, 10, 25, 15, 25, 15],
        }
    )
    outcomes = pd.DataFrame(
        {
            "force_code": ["MPS", "KNT"],
            "force_name": ["Metropolitan Police Service", "Kent Police"],
            "referrals": [50, 12],
            "investigations": [40, 10],
            "case_to_answer": [8, 4 if not public else C],
            "dismissals": [other, 0],
            "would_have_been_dismissed": [small, 0],
        }
    )
    timeliness = pd.DataFrame(
        {
            "measure": [
                "days_to_dissemination",
                "days_to_finding",
                "days_to_outcome",
                "days_to_dismissal",
            ],  # fmt: skip
            "cases": [62, 30, 50, other],
            "median_days": [3.0, 120.5, 290.0, C if public else 400.0],
            "p90_days": [10.0, 300.0, None, C if public else 600.5],
        }
    )
    decided = pd.DataFrame(
        {
            "measure": list(KINDS),
            "decided": [15, 0, 11, small, 0, 9],
            "median_days": [210.5, None, 330.0, C if public else 280.0, None, 150.0],
            "p90_days": [400.0, None, 512.5, C if public else 290.0, None, 320.5],
        }
    )
    decided_by_force = pd.DataFrame(
        {
            "force_code": ["MPS", "KNT"],
            "force_name": ["Metropolitan Police Service", "Kent Police"],
            "case_to_answer": [9, 6],
            "false_allegations": [0, 0],
            "dismissals": [other, 5],
            "would_have_been_dismissed": [small, 0],
            "barred": [0, 0],
            "criminal_charges": [other, small],
        }
    )
    return {
        "headline": headline,
        "reports_by_force": by_force,
        "reports_by_category": by_category,
        "reports_by_month": by_month,
        "outcomes_by_force": outcomes,
        "timeliness": timeliness,
        "outcomes_decided": decided,
        "outcomes_decided_by_force": decided_by_force,
    }


def make_snapshot(public: bool, with_revisions: bool = False) -> Snapshot:
    """A small snapshot of April to June 2025 whose values are all written above."""
    previous = _tables(public)["headline"].copy()
    previous["value"] = [100, 70, 30, 25, 50, 52, 40, 4, 10, C if public else 2, 5,
                         C if public else 1, 6, 0, 0, 15, 5, C if public else 1]  # fmt: skip
    return Snapshot(
        tables=_tables(public),
        first_date=dt.date(2025, 4, 1),
        last_date=dt.date(2025, 6, 30),
        as_at=dt.date(2025, 7, 3),
        generated_at=dt.datetime(2025, 7, 4, 9, 30, tzinfo=dt.UTC),
        public=public,
        threshold=5,
        synthetic=True,
        software_version="0.1.0",
        previous_headline=previous,
        previous_first_date=dt.date(2025, 1, 1),
        previous_last_date=dt.date(2025, 3, 31),
        revisions=(
            [Revision("headline", "reports", "value", "118", "120")] if with_revisions else None
        ),
        previous_generated_at="2025-07-01T08:00:00+00:00" if with_revisions else None,
        notes=["6 reports name no force (subject force not known)."],
    )


@pytest.fixture
def internal_snapshot() -> Snapshot:
    return make_snapshot(public=False, with_revisions=True)


@pytest.fixture
def public_snapshot() -> Snapshot:
    return make_snapshot(public=True, with_revisions=True)
