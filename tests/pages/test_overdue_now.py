"""Overdue now on the Outcomes and timeliness page: its numbers are the pending referrals of the
demo extract counted with plain pandas, they stay the same whatever the period chosen, and a
force sees its own referrals only."""

import pytest

from tests.analysis.test_overdue_now import awaiting
from tests.pages.conftest import pages, table

PAGE = "app_pages/outcomes.py"
TILES = ["Awaiting a decision now", "Waiting over 28 days now", "Waiting over 56 days now"]


def shown(app) -> dict:
    """What Overdue now shows: its tiles, its table by age band, by force, and the list."""
    metrics = {metric.label: metric.value for metric in app.metric}
    bands, listed = table(app, "Days waiting"), table(app, "Referral")
    forces = table(app, "Receiving force", having="Awaiting")
    return {
        "tiles": [metrics[label] for label in TILES],
        "bands": dict(zip(bands["Days waiting"], bands["Referrals awaiting"], strict=True)),
        "forces": forces.set_index("Receiving force").to_dict("index"),
        "listed": None if listed is None else listed["Referral"].tolist(),
    }


def expected(demo, forces=()) -> dict:
    want = awaiting(demo, forces)
    days = want["days"]
    names = dict(zip(demo["forces"]["force_code"], demo["forces"]["force_name"], strict=True))
    by_force = {
        names[code]: {
            "Awaiting": len(rows),
            "Over 28 days": int((rows["days"] > 28).sum()),
            "Over 56 days": int((rows["days"] > 56).sum()),
        }
        for code, rows in want.groupby("force")
    }
    overdue = want[days > 28].sort_values(["days", "referral_id"], ascending=[False, True])
    return {
        "tiles": [f"{len(want):,}", f"{(days > 28).sum():,}", f"{(days > 56).sum():,}"],
        "bands": {
            "up to 28 days": int((days <= 28).sum()),
            "29–56 days": int(days.between(29, 56).sum()),
            "over 56 days": int((days > 56).sum()),
        },
        "forces": by_force,
        "overdue": overdue,
    }


def check(app, want) -> dict:
    """The page's Overdue now against the expected counts; returns what is shown."""
    assert not app.exception, app.exception
    now = shown(app)
    assert now["tiles"] == want["tiles"]
    assert now["bands"] == want["bands"]
    assert now["forces"] == want["forces"]
    if want["overdue"].empty:
        assert now["listed"] is None
        assert any("No referral has waited more than 28" in m.value for m in app.markdown)
    else:
        # longest first; referrals waiting the same days in any order
        assert sorted(now["listed"]) == sorted(want["overdue"]["referral_id"])
        days = dict(zip(want["overdue"]["referral_id"], want["overdue"]["days"], strict=True))
        waits = [days[referral] for referral in now["listed"]]
        assert waits == sorted(waits, reverse=True)
    return now


def test_the_same_whatever_the_period(open_page, demo):
    app = open_page(PAGE)
    want = expected(demo)
    first = check(app, want)
    assert len(first["listed"]) > 10 and len(first["forces"]) > 10  # a fair test
    assert any(
        "period filter does not apply" in c.value and "as at 31 Oct 2026" in c.value
        for c in app.caption
    )
    for period in ("fy2024", "pilot", "last12"):
        app.sidebar.selectbox(key="f_period").set_value(period).run()
        assert check(app, want) == first, period


def test_the_cohorts_pending_count_changes_but_overdue_now_does_not(open_page, demo):
    app = open_page(PAGE)
    metrics = {m.label: m.value for m in app.metric}
    app.sidebar.selectbox(key="f_period").set_value("fy2024").run()
    later = {m.label: m.value for m in app.metric}
    assert later["Awaiting a force decision"] != metrics["Awaiting a force decision"]
    assert [later[t] for t in TILES] == [metrics[t] for t in TILES]


@pytest.mark.parametrize("force", ["kent", "metropolitan"])
def test_a_force_sees_its_own_referrals(open_page, demo, force):
    app = open_page(PAGE, query={"force": force})
    want = expected(demo, forces=(force,))
    assert len(want["forces"]) == 1
    now = check(app, want)
    assert list(now["forces"]) == list(want["forces"])
    listed = table(app, "Referral")
    if listed is not None:
        short_name = demo["forces"].set_index("force_code").loc[force, "short_name"]
        assert set(listed["Receiving force"]) == {short_name}


def test_a_force_user_sees_its_own_force_whatever_the_url(app_as, demo):
    app = app_as("pcc@kent.example", query={"force": "metropolitan"})
    assert "outcomes" in pages(app)
    app.switch_page(PAGE).run()
    check(app, expected(demo, forces=("kent",)))
