"""A tiny extract written by hand for the briefing's tests: every figure below is worked out
here, from the rows, not by the program.

As at 30 Jun 2025 (the latest date: R_LAST's received_at), so the financial year 2024/25 can be
released (its end plus 3 months) and its quarter 2025/26 Q1 cannot yet.

Kent, reports received in May 2024 (financial year 2024/25), each referred to Kent:
- 20 referrals, all investigated: investigation rate 20 / 20.
- K01: case to answer (misconduct), no proceedings yet: open, awaiting proceedings.
- K02, K03: no outcome: open. K01-K03 open since 1 May 2024, over 365 days at 30 Jun 2025.
- K04-K20: no case to answer: 17. Findings: K01 + K04-K20 = 18; case to answer 1 of 18.
Kent, reports received in April 2025 (outside 2024/25), referrals still pending at 30 Jun 2025:
- P60 referred 1 May 2025 (60 days), P41 on 20 May (41), P36 on 25 May (36), P10 on 20 Jun (10):
  4 awaiting, 3 over 28 days, 1 over 56 days, the longest 60 days.
Essex, May 2024: 40 referrals to Essex: 30 no further action, 10 investigated, each a case to
answer (misconduct) then a written warning.
Surrey, May 2024: 1 referral to Surrey, investigated, no case to answer.

So in 2024/25, England and Wales (Kent, Essex, Surrey): investigations 31 of 61 referrals not
transferred (50.8%); case to answer 11 of 29 with a finding (37.9%); no dismissals.
Kent's investigation rate is 20 / 20 (Wilson 95% from 83.9%) and its case-to-answer rate 1 / 18
(Wilson 95% to 25.8%): both leave out England and Wales's. Surrey's 1 / 1 and 0 / 1 do not.
"""

import datetime as dt
import functools
from pathlib import Path

import pytest

from oversight.db import connect_read_only, run_query
from oversight.ingest import import_extract
from tests.ingest.helpers import OUTCOME, REFERRAL, REPORT, row, write_extract

# the page tests' fixtures, to open the Forces and Outcomes pages beside a briefing
from tests.pages.conftest import (  # noqa: F401
    app_as,
    made_on_click,
    open_page,
    page_db,
    roles_file,
    signed_in_db,
)

AS_AT = dt.date(2025, 6, 30)
MAY_2024 = "2024-05-01T10:00"


def _reports() -> list[dict]:
    reports = [row(REPORT, report_id=f"RK{n:02d}", received_at=MAY_2024) for n in range(1, 21)]
    reports += [
        row(REPORT, report_id=f"RP{days}", received_at="2025-04-20T10:00")
        for days in (60, 41, 36, 10)
    ]
    reports += [
        row(REPORT, report_id=f"RE{n:02d}", received_at=MAY_2024, subject_force="essex")
        for n in range(1, 41)
    ]
    reports.append(row(REPORT, report_id="RS01", received_at=MAY_2024, subject_force="surrey"))
    reports.append(
        row(REPORT, report_id="R_LAST", received_at="2025-06-30T10:00", subject_force="essex")
    )
    return reports


def _referrals() -> list[dict]:
    referrals = [
        row(REFERRAL, referral_id=f"K{n:02d}", report_id=f"RK{n:02d}", referred_at="2024-05-02",
            assessed_at="2024-05-10")
        for n in range(1, 21)
    ]  # fmt: skip
    referred = {60: "2025-05-01", 41: "2025-05-20", 36: "2025-05-25", 10: "2025-06-20"}
    referrals += [
        row(REFERRAL, referral_id=f"P{days}", report_id=f"RP{days}", referred_at=day,
            assessment="pending", assessed_at="")
        for days, day in referred.items()
    ]  # fmt: skip
    referrals += [
        row(REFERRAL, referral_id=f"E{n:02d}", report_id=f"RE{n:02d}", force="essex",
            referred_at="2024-05-02", assessed_at="2024-05-10",
            assessment="investigation" if n <= 10 else "no_further_action")
        for n in range(1, 41)
    ]  # fmt: skip
    referrals.append(
        row(REFERRAL, referral_id="S01", report_id="RS01", force="surrey",
            referred_at="2024-05-02", assessed_at="2024-05-10")
    )  # fmt: skip
    return referrals


def _outcomes() -> list[dict]:
    outcomes = [
        row(OUTCOME, outcome_id="OK01", referral_id="K01", outcome="case_to_answer_misconduct",
            decided_at="2024-07-01")
    ]  # fmt: skip
    outcomes += [
        row(OUTCOME, outcome_id=f"OK{n:02d}", referral_id=f"K{n:02d}", decided_at="2024-08-01")
        for n in range(4, 21)
    ]  # fmt: skip
    for n in range(1, 11):
        outcomes += [
            row(OUTCOME, outcome_id=f"OE{n:02d}a", referral_id=f"E{n:02d}",
                outcome="case_to_answer_misconduct", decided_at="2024-07-01"),
            row(OUTCOME, outcome_id=f"OE{n:02d}b", referral_id=f"E{n:02d}",
                outcome="written_warning", decided_at="2024-09-01"),
        ]  # fmt: skip
    outcomes.append(row(OUTCOME, outcome_id="OS01", referral_id="S01", decided_at="2024-08-01"))
    return outcomes


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    """The tiny extract imported into a database of its own (tests must only read it)."""
    folder = tmp_path_factory.mktemp("briefing_tiny")
    files = write_extract(folder, reports=_reports(), referrals=_referrals(), outcomes=_outcomes())
    db_path = folder / "tiny.duckdb"
    import_extract(files, db_path, now=dt.datetime(2025, 7, 1))
    return db_path


@pytest.fixture
def tiny_con(tiny_db):
    con = connect_read_only(tiny_db)
    yield con
    con.close()


@pytest.fixture
def tiny_run(tiny_con):
    return functools.partial(run_query, tiny_con)
