"""Forces page: a force beside its region and England and Wales, and every force on a funnel
plot, checked against plain pandas counts of the demo extract and limits worked out by hand."""

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from oversight.analysis.forces import MEASURES, add_rates, funnel
from oversight.settings import PROJECT_ROOT
from tests.analysis.decided_reference import LABELS, decided_rows, selected_referrals
from tests.analysis.test_forces import hand_median_interval, wilson
from tests.pages.conftest import AS_AT, open_chart_numbers, table

FY2024 = ("2024-04-01", "2025-03-31")
CASE_TO_ANSWER = {"case_to_answer_misconduct", "case_to_answer_gross_misconduct"}
FINDINGS = CASE_TO_ANSWER | {"no_case_to_answer", "false_allegation"}
ENDING = {
    "no_case_to_answer", "false_allegation", "no_further_action", "reflective_practice",
    "management_advice", "written_warning", "final_written_warning", "reduction_in_rank",
    "dismissed", "would_have_been_dismissed",
}  # fmt: skip


def expected(demo, first, last, forces, channels=()) -> dict[str, int]:
    """Counts for a set of forces worked out by hand (docs/metrics.md, cohort view): reports by
    subject force, referrals of the period's reports by receiving force."""
    reports = demo["reports"]
    in_period = reports[reports["received_date"].between(first, last)]
    if channels:
        in_period = in_period[in_period["channel"].isin(channels)]
    mine = in_period[in_period["subject_force"].isin(forces)]
    referrals = demo["referrals"]
    received = referrals[
        referrals["report_id"].isin(in_period["report_id"]) & referrals["force"].isin(forces)
    ]
    outcomes = demo["outcomes"]

    def having(codes):
        return set(outcomes.loc[outcomes["outcome"].isin(codes), "referral_id"])

    investigations = received[received["assessment"] == "investigation"]
    return {
        "Reports": len(mine),
        "By phone": int((mine["channel"] == "phone").sum()),
        "Online": int((mine["channel"] == "online").sum()),
        "Passed on (disseminated)": int(mine["report_id"].isin(referrals["report_id"]).sum()),
        "Referrals received": len(received),
        "Investigations": len(investigations),
        "Transferred": int((received["assessment"] == "transferred").sum()),
        "Case to answer": int(investigations["referral_id"].isin(having(CASE_TO_ANSWER)).sum()),
        "Dismissals": int(received["referral_id"].isin(having({"dismissed"})).sum()),
        "Open cases": int((~investigations["referral_id"].isin(having(ENDING))).sum()),
        "with finding": int(investigations["referral_id"].isin(having(FINDINGS)).sum()),
    }


def open_forces(open_page, query: dict):
    """The Forces page opened with query; the sidebar's period and channels are set again through
    their widgets if the page switch in open_page dropped them (as the foundation's sidebar can
    under AppTest), so each test checks the selection it names."""
    app = open_page("app_pages/forces.py", query=query)
    period = app.sidebar.selectbox(key="f_period")
    if "period" in query and period.value != query["period"]:
        app = period.set_value(query["period"]).run()
    channels = app.sidebar.multiselect(key="f_channels")
    if "channel" in query and channels.value != [query["channel"]]:
        app = channels.set_value([query["channel"]]).run()
    assert not app.exception, app.exception
    return open_chart_numbers(app)


def shown_metrics(app) -> dict[str, int]:
    return {metric.label: int(metric.value.replace(",", "")) for metric in app.metric}


def frame_with(app, column: str) -> pd.DataFrame:
    """The one table on the page that has this column."""
    found = [d.value for d in app.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in app.dataframe]
    return found[0]


def test_met_pilot_shows_the_published_totals(open_page):
    app = open_forces(open_page, {"period": "pilot", "focus": "metropolitan"})
    assert app.title[0].value == "Forces"
    assert app.selectbox(key="forces_focus").value == "metropolitan"
    shown = shown_metrics(app)
    assert shown["Reports"] == 2878
    assert shown["By phone"] == 1988
    assert shown["Online"] == 890
    assert shown["Passed on (disseminated)"] == 867
    assert shown["Investigations"] == 728
    assert shown["Transferred"] == 139
    counts = frame_with(app, "Count").set_index("Count")
    assert counts.loc["Reports", "Metropolitan Police Service"] == 2878
    assert counts.loc["Transferred", "England and Wales"] == 139


def test_filter_change_moves_the_force_and_its_comparators(open_page, demo):
    """Channel online over 2024/25, then Kent chosen in the sidebar: the page follows it; Kent,
    the South East and England and Wales match counts made with pandas, and Kent's funnel
    limits match limits worked out by hand."""
    app = open_forces(open_page, {"period": "fy2024", "channel": "online"})
    first, last = FY2024
    met = expected(demo, first, last, ["metropolitan"], ["online"])
    before = shown_metrics(app)
    assert before == {k: v for k, v in met.items() if k in before}

    app.sidebar.multiselect(key="f_forces").set_value(["kent"]).run()
    assert not app.exception
    open_chart_numbers(app)
    assert app.selectbox(key="forces_focus").value == "kent"
    kent = expected(demo, first, last, ["kent"], ["online"])
    shown = shown_metrics(app)
    assert shown == {k: v for k, v in kent.items() if k in shown}
    assert shown != before

    forces = demo["forces"]
    south_east = list(forces.loc[forces["region_name"] == "South East", "force_code"])
    nation = list(forces.loc[forces["nation"].isin(["england", "wales"]), "force_code"])
    counts = frame_with(app, "Count").set_index("Count")
    for column, codes in (("Kent Police", ["kent"]), ("South East", south_east),
                          ("England and Wales", nation)):  # fmt: skip
        want = expected(demo, first, last, codes, ["online"])
        assert counts[column].to_dict() == {k: want[k] for k in counts.index}, column

    # the rates table: Kent's dissemination rate with its Wilson interval, worked by hand
    x, n = kent["Passed on (disseminated)"], kent["Reports"]
    rates = frame_with(app, "Rate (95% interval)").set_index("Rate (95% interval)")
    assert rates.loc["Dissemination rate", "Kent Police"] == proportion_text(x, n)
    check_funnel_limits_by_hand(app, demo, first, last, ["online"])


def hand_funnel(demo, first, last, channels=()):
    """Every England and Wales force's reports and officer-years over a period in which all were
    in the service, the England and Wales rate per 1,000 officers a year, and over-dispersion
    worked out by hand as NHS England's SHMI does: square-root z-scores 2(sqrt(O) - sqrt(E)),
    winsorised at the 10th and 90th percentiles, phi their mean square, the test
    n phi > (n - 1) + 2 sqrt(2(n - 1)), and the DerSimonian-Laird tau^2."""
    forces = demo["forces"]
    nation = forces.loc[forces["nation"].isin(["england", "wales"])].set_index("force_code")
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
    officer_years = nation["officer_fte"] * days / 365.25
    reports = pd.Series(
        {code: expected(demo, first, last, [code], channels)["Reports"] for code in nation.index}
    )
    target = reports.sum() / officer_years.sum() * 1000
    expected_reports = target * officer_years / 1000
    z = 2 * (np.sqrt(reports) - np.sqrt(expected_reports))
    low, high = np.quantile(z, [0.1, 0.9])
    winsorised = z.clip(low, high)
    n = len(z)
    phi = (winsorised**2).mean()
    weight = 4 * expected_reports
    tau2 = max(0.0, (n * phi - (n - 1)) / (weight.sum() - (weight**2).sum() / weight.sum()))
    overdispersed = n * phi > (n - 1) + 2 * math.sqrt(2 * (n - 1))
    return {
        "reports": reports, "officer_years": officer_years, "target": target,
        "tau2": tau2, "overdispersed": overdispersed,
    }  # fmt: skip


def check_funnel_limits_by_hand(app, demo, first, last, channels):
    """Kent's reports per 1,000 officers a year against limits around the England and Wales
    rate computed here from scratch: widened by tau^2 on the square-root scale where the forces
    are over-dispersed, else exact Poisson limits (Spiegelhalter's interpolation)."""
    hand = hand_funnel(demo, first, last, channels)
    target, years = hand["target"], hand["officer_years"]["kent"]
    kent_reports = hand["reports"]["kent"]
    mean = years * target / 1000

    def limit(p):
        if hand["overdispersed"]:
            spread = math.sqrt(1 / (4 * mean) + hand["tau2"])
            return target * max(1 + stats.norm.ppf(p) * spread, 0) ** 2
        distribution = stats.poisson(mean)
        r = distribution.ppf(p)
        a = (distribution.cdf(r) - p) / (distribution.cdf(r) - distribution.cdf(r - 1))
        return (r - a) / years * 1000

    points = frame_with(app, "lower_95").set_index("force_code")
    row = points.loc["kent"]
    assert row["Reports"] == kent_reports
    assert row["Officer-years in the service"] == pytest.approx(years)
    rate = kent_reports / years * 1000
    assert row["Reports per 1,000 officers a year"] == pytest.approx(rate)
    assert row["lower_95"] == pytest.approx(limit(0.025))
    assert row["upper_95"] == pytest.approx(limit(0.975))
    assert row["lower_998"] == pytest.approx(limit(0.001))
    assert row["upper_998"] == pytest.approx(limit(0.999))
    inside_95 = limit(0.025) <= rate <= limit(0.975)
    assert (row["flag"] == "within the limits") == inside_95
    # forces without officer numbers are not drawn, and the page says so
    assert "police_scotland" not in points.index
    assert any("Police Scotland have no officer figure" in c.value for c in app.caption)
    table = frame_with(app, "Against England and Wales").set_index("Force")
    assert pd.isna(table.loc["Police Scotland", "Reports per 1,000 officers a year"])
    assert table.loc["Police Scotland", "Why no rate"].startswith("no officer figure")
    return hand


def outside_counts(points: pd.DataFrame) -> tuple[int, int]:
    """Forces beyond the 95% and the 99.8% limits, from the funnel's numbers table."""
    flags = points["flag"].tolist()
    return sum("beyond" in flag for flag in flags), sum("99.8%" in flag for flag in flags)


def test_limits_allow_for_over_dispersion_unless_chance_alone_is_chosen(open_page, demo):
    """2025/26 on the default measure: the forces are over-dispersed, the limits drawn are
    widened by the tau worked out by hand, and the caption says so; choosing chance alone draws
    the exact limits, which mark more forces."""
    app = open_forces(open_page, {"period": "fy2025"})
    assert app.radio(key="forces_limits").value == "adjusted"
    hand = check_funnel_limits_by_hand(app, demo, "2025-04-01", "2026-03-31", ())
    assert hand["overdispersed"]
    note = next(c.value for c in app.caption if "Dotted lines" in c.value)
    assert "Limits drawn: they allow for differences between forces beyond chance" in note
    assert f"τ = {math.sqrt(hand['tau2']):.3f} on the square-root scale" in note
    adjusted = outside_counts(frame_with(app, "lower_95"))
    assert f"{adjusted[0]} of 43 forces fall outside the 95% limits" in note

    app.radio(key="forces_limits").set_value("chance").run()
    assert not app.exception
    open_chart_numbers(app)
    note = next(c.value for c in app.caption if "Dotted lines" in c.value)
    assert note.count("Limits drawn: chance alone (unadjusted), as chosen") == 1
    chance = outside_counts(frame_with(app, "lower_95"))
    assert f"{chance[0]} of 43 forces fall outside the 95% limits" in note
    assert f"with the adjusted limits, {adjusted[0]} would ({adjusted[1]} outside" in note
    assert chance[0] > adjusted[0]
    # Kent's limits are now the exact Poisson ones, as worked out by hand
    points = frame_with(app, "lower_95").set_index("force_code")
    years, target = hand["officer_years"]["kent"], hand["target"]
    distribution = stats.poisson(years * target / 1000)
    r = distribution.ppf(0.975)
    a = (distribution.cdf(r) - 0.975) / (distribution.cdf(r) - distribution.cdf(r - 1))
    assert points.loc["kent", "upper_95"] == pytest.approx((r - a) / years * 1000)


def test_pilot_compares_no_forces_and_says_so(open_page, demo):
    """Over the Met's pilot no other force was in the service: no funnel, a plain message, and
    every other force 'not in the service in this period' rather than outside the limits."""
    app = open_forces(open_page, {"period": "pilot", "focus": "metropolitan"})
    assert not any("lower_95" in d.value.columns for d in app.dataframe)
    message = " ".join(info.value for info in app.info)
    assert "Only one force, Metropolitan Police, was in the service" in message
    assert "there is no funnel" in message
    assert not any("outside the 95% limits" in c.value for c in app.caption)
    table = frame_with(app, "Against England and Wales").set_index("Force")
    assert table.loc["Kent", "Why no rate"] == "not in the service in this period"
    assert set(table["Against England and Wales"]) == {"not assessed"}
    # the Met's rate a year is over its 458 days of the pilot
    met = table.loc["Metropolitan Police"]
    forces = demo["forces"].set_index("force_code")
    years = forces.loc["metropolitan", "officer_fte"] * 458 / 365.25
    assert met["Officer-years in the service"] == pytest.approx(years)
    assert met["Reports per 1,000 officers a year"] == pytest.approx(2878 / years * 1000)


def test_focus_from_the_url_and_a_force_with_no_reports(open_page):
    """A shared link names the force; Kent had no reports in the Met pilot: a plain message."""
    app = open_page("app_pages/overview.py", query={"period": "pilot"})
    app.query_params["focus"] = "kent"
    app.switch_page("app_pages/forces.py").run()
    assert not app.exception
    assert app.selectbox(key="forces_focus").value == "kent"
    period = app.sidebar.selectbox(key="f_period")
    if period.value != "pilot":  # see open_forces
        app = period.set_value("pilot").run()
    assert app.selectbox(key="forces_focus").value == "kent"
    assert app.query_params["focus"] == "kent"
    assert not app.metric
    assert any("No reports about Kent Police" in info.value for info in app.info)


def test_add_rates_and_funnel_on_a_tiny_frame():
    """Zero denominators give "–" reasons, never 0; forces with no officer figure are left out of
    the per-officer funnel and named; every proportion's target and limits are in percent."""
    counts = pd.DataFrame(
        {
            "force_code": ["a", "b", "c", "unknown"],
            "force": ["A", "B", "C", "Force not known"],
            "officer_fte": [1000.0, 2000.0, np.nan, np.nan],
            "days_in_service": [365, 365, 365, 365],
            "officer_years": [1000.0 * 365 / 365.25, 2000.0 * 365 / 365.25, np.nan, np.nan],
            "reports": [10, 0, 5, 3],
            "disseminated_reports": [4, 0, 2, 0],
            "referrals": [4, 0, 2, 0],
            "transferred": [1, 0, 0, 0],
            "referrals_not_transferred": [3, 0, 2, 0],
            "investigations": [3, 0, 2, 0],
            "investigations_with_finding": [2, 0, 0, 0],
            "case_to_answer": [1, 0, 0, 0],
            "dismissals": [1, 0, 0, 0],
        }
    )
    rated = add_rates(counts).set_index("force_code")
    assert rated.loc["a", "reports_per_1000_officers"] == pytest.approx(10.0 * 365.25 / 365)
    assert rated.loc["a", "investigation_rate"] == pytest.approx(1.0)
    assert math.isnan(rated.loc["b", "dissemination_rate"])
    assert rated.loc["b", "dissemination_rate_note"] == "no cases to divide by"
    assert math.isnan(rated.loc["c", "reports_per_1000_officers"])
    assert rated.loc["c", "reports_per_1000_officers_note"] != ""

    frame = add_rates(counts)
    for measure in MEASURES.values():
        frame[f"{measure.key}_flag"] = "within the limits"
    per_officer = funnel(frame, MEASURES["reports_per_1000_officers"], 5.0)
    assert list(per_officer.points["force_code"]) == ["a", "b"]
    assert per_officer.left_out.startswith("C has no officer figure")
    c2a = funnel(frame, MEASURES["case_to_answer_rate"], 0.5)
    assert list(c2a.points["force_code"]) == ["a"]
    assert c2a.target == pytest.approx(50.0)
    assert c2a.points.loc[0, "rate"] == pytest.approx(50.0)
    assert "2 forces with no investigations with a finding" in c2a.left_out
    assert (c2a.limits["lower_998"] <= c2a.limits["lower_95"]).all()
    assert (c2a.limits["upper_95"] <= c2a.limits["upper_998"]).all()


def test_comparators_from_every_force_equal_querying_each_selection(page_db):
    """The region and England and Wales figures are sums of every force's rows; that must equal
    running the query with the selection itself (Filters.with_forces), as counts add up over
    forces."""
    import datetime as dt
    import functools

    from oversight.analysis.forces import COUNT_COLUMNS, forces_data, selected
    from oversight.db import connect_read_only, run_query
    from oversight.filters import Filters

    con = connect_read_only(page_db)
    try:
        run = functools.partial(run_query, con)
        filters = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024", channels=("phone",))
        every = run("stage_counts_by_force", **filters.with_forces(()).sql_params())
        reference = run("forces_reference")
        nation = tuple(reference.loc[reference["nation"].isin(["england", "wales"]), "force_code"])
        for chosen in (
            filters.with_forces(("kent",)),
            filters.with_forces((), ("South East",)),
            filters.with_forces(nation),
        ):
            direct = run("stage_counts_by_force", **chosen.sql_params())[list(COUNT_COLUMNS)]
            summed = selected(every, chosen)[list(COUNT_COLUMNS)]
            assert direct.sum().to_dict() == summed.sum().to_dict(), chosen
            assert direct.sum()["reports"] > 0
        # a force named like its region (West Midlands) keeps three distinct columns
        data = forces_data(run, filters, dt.date(2026, 10, 31), "west_midlands")
        assert list(data.comparison.columns) == [
            "measure",
            "West Midlands Police",
            "Most similar forces",
            "West Midlands",
            "England and Wales",
        ]
    finally:
        con.close()


def test_spread_note_counts_forces_outside_the_limits_against_chance():
    import pandas as pd

    from oversight.analysis.forces import FLAG_LABELS, MEASURES, Funnel

    flags = ["above 99.8%", "above 95%", "below 95%"] + ["within"] * 17 + ["not assessed"]
    points = pd.DataFrame({"flag": [FLAG_LABELS[f] for f in flags]})
    funnel = Funnel(next(iter(MEASURES.values())), 1.0, points, pd.DataFrame(), "")
    # 20 forces assessed: chance alone would put 1 outside the 95% limits; 3 are
    assert funnel.spread_note.startswith(
        "3 of 20 forces fall outside the 95% limits (1 outside the 99.8% limits), where chance "
        "alone would put about 1."
    )
    assert "over-dispersion" in funnel.spread_note
    calm = Funnel(funnel.measure, 1.0, points.iloc[2:], pd.DataFrame(), "")
    assert "over-dispersion" not in calm.spread_note


def test_trend_rates_are_annual_over_each_quarters_days_in_the_service(page_db, demo):
    """2023/24 by quarter: Kent joined on 14 Mar 2024, so it has no rate before its last quarter
    and there a year's worth of its 18 days; England and Wales counts the Met's 91 days of that
    quarter and every other force's 18."""
    import datetime as dt
    import functools

    from oversight.analysis.forces import forces_data
    from oversight.db import connect_read_only, run_query
    from oversight.filters import Filters

    con = connect_read_only(page_db)
    try:
        run = functools.partial(run_query, con)
        filters = Filters(dt.date(2023, 4, 1), dt.date(2024, 3, 31), "fy2023")
        trend = forces_data(run, filters, dt.date(2026, 10, 31), "kent").trend
    finally:
        con.close()
    forces = demo["forces"]
    nation = forces.loc[forces["nation"].isin(["england", "wales"])].set_index("force_code")
    kent = trend[trend["group_kind"] == "force"].set_index("period")
    assert kent["rate"].iloc[:3].isna().all()
    assert set(kent["rate_note"].iloc[:3]) == {"not in the service in this period"}
    last_quarter = "Jan–Mar 2024"
    reports = expected(demo, "2024-01-01", "2024-03-31", ["kent"])["Reports"]
    years = nation.loc["kent", "officer_fte"] * 18 / 365.25
    assert kent.loc[last_quarter, "reports"] == reports
    assert kent.loc[last_quarter, "officer_years"] == pytest.approx(years)
    assert kent.loc[last_quarter, "rate"] == pytest.approx(reports / years * 1000)

    national = trend[trend["group_kind"] == "nation"].set_index("period")
    met = nation.loc["metropolitan", "officer_fte"]
    others = nation["officer_fte"].sum() - met
    years = (met * 91 + others * 18) / 365.25
    reports = expected(demo, "2024-01-01", "2024-03-31", list(nation.index))["Reports"]
    assert national.loc[last_quarter, "officer_years"] == pytest.approx(years)
    assert national.loc[last_quarter, "rate"] == pytest.approx(reports / years * 1000)
    # before the launch the nation is the Met alone, over each quarter's 91 or 92 days
    assert national.loc["Apr–Jun 2023", "officer_years"] == pytest.approx(met * 91 / 365.25)


FY2025 = ("2025-04-01", "2026-03-31")
PEER_GROUPS = pd.read_csv(PROJECT_ROOT / "data" / "reference" / "peer_groups.csv")
KENT_PEERS = list(
    PEER_GROUPS.loc[PEER_GROUPS["force_code"] == "kent"].sort_values("rank")["peer_code"]
)


def poisson_text(reports: int, officer_years: float) -> str:
    """A rate per 1,000 officers a year with its exact Poisson interval (chi-square), as the
    page writes it."""
    low = stats.chi2.ppf(0.025, 2 * reports) / 2 if reports else 0.0
    high = stats.chi2.ppf(0.975, 2 * reports + 2) / 2
    scale = 1000 / officer_years
    return f"{reports * scale:,.1f} ({low * scale:,.1f} to {high * scale:,.1f})"


def proportion_text(x: int, n: int) -> str:
    low, high = wilson(x, n)
    return f"{x / n:.1%} ({low:.1%} to {high:.1%})"


def officer_years_of(demo, codes, days: int) -> float:
    forces = demo["forces"].set_index("force_code")
    return float(forces.loc[codes, "officer_fte"].sum()) * days / 365.25


def test_kent_beside_its_most_similar_forces_pooled_and_one_by_one(open_page, demo):
    """2025/26: the peers' column is their counts added up, and their rates those sums over
    the sums of their denominators, with intervals worked out here; each peer's own row too.
    Counts show thousands separators; captions name Kent in words."""
    app = open_forces(open_page, {"period": "fy2025", "focus": "kent"})
    first, last = FY2025
    assert KENT_PEERS == ["essex", "lancashire", "hampshire", "sussex", "avon_and_somerset",
                          "thames_valley", "south_wales"]  # fmt: skip
    pooled = expected(demo, first, last, KENT_PEERS)
    counts = frame_with(app, "Count").set_index("Count")
    assert counts["Most similar forces"].to_dict() == {k: pooled[k] for k in counts.index}
    assert counts.loc["Reports", "Most similar forces"] == sum(
        expected(demo, first, last, [code])["Reports"] for code in KENT_PEERS
    )
    config = json.loads(next(d for d in app.dataframe if "Count" in d.value.columns).proto.columns)
    assert config["Most similar forces"]["type_config"]["format"] == "%,d"

    rates = frame_with(app, "Rate (95% interval)").set_index("Rate (95% interval)")
    peers = rates["Most similar forces"]
    investigations = pooled["Investigations"]
    not_transferred = pooled["Referrals received"] - pooled["Transferred"]
    assert peers["Investigation rate"] == proportion_text(investigations, not_transferred)
    assert peers["Case-to-answer rate"] == proportion_text(
        pooled["Case to answer"], pooled["with finding"]
    )
    assert peers["Reports per 1,000 officers a year"] == poisson_text(
        pooled["Reports"], officer_years_of(demo, KENT_PEERS, 365)
    )

    one_by_one = table(app, "Force or group", having="Dismissal rate").set_index("Force or group")
    names = demo["forces"].set_index("force_code")["short_name"]
    assert list(one_by_one.index) == ["Kent Police", *names[KENT_PEERS], "Most similar forces",
                                      "South East", "England and Wales"]  # fmt: skip
    for code in KENT_PEERS:
        own = expected(demo, first, last, [code])
        row = one_by_one.loc[names[code]]
        assert row["Dismissal rate"] == proportion_text(own["Dismissals"], own["Investigations"])
        assert row["Reports per 1,000 officers a year"] == poisson_text(
            own["Reports"], officer_years_of(demo, [code], 365)
        )
    assert (
        one_by_one.loc["Most similar forces", "Investigation rate"] == peers["Investigation rate"]
    )

    captions = [c.value for c in app.caption]
    assert any("; force: Kent." in c for c in captions)
    assert not any("force: kent" in c for c in captions)
    assert any(c.startswith("Most similar forces: Essex, Lancashire, Hampshire") for c in captions)


def referrals_of_quarter(demo, first, last, forces):
    """Referrals received by the forces, of reports received first to last, with their report's
    received date and their outcomes' dates, worked out with pandas."""
    reports = demo["reports"]
    in_quarter = reports[reports["received_date"].between(first, last)]
    referrals = demo["referrals"]
    chosen = referrals[
        referrals["report_id"].isin(in_quarter["report_id"]) & referrals["force"].isin(forces)
    ]
    return chosen.merge(in_quarter[["report_id", "received_date"]], on="report_id")


def test_conversion_and_time_to_outcome_by_quarter_checked_by_hand(open_page, demo):
    """Apr–Jun and Jul–Sep 2025, by quarter: Kent's, its peers' and England and Wales's
    investigation rates, case-to-answer rates and Kaplan-Meier median days to outcome (open
    cases counted to the as-at date), with their intervals, worked out with pandas."""
    app = open_forces(open_page, {"period": "fy2025", "focus": "kent"})
    app.radio(key="forces_trend_unit").set_value("quarter").run()
    app = open_chart_numbers(app)
    assert not app.exception
    forces = demo["forces"]
    nation = list(forces.loc[forces["nation"].isin(["england", "wales"]), "force_code"])
    outcomes = demo["outcomes"]
    ended_on = outcomes[outcomes["outcome"].isin(ENDING)].groupby("referral_id")["decided_date"]
    rates = frame_with(app, "Referrals not transferred").set_index(["Quarter", "Force or group"])
    answers = frame_with(app, "Investigations with a finding").set_index(
        ["Quarter", "Force or group"]
    )
    medians = frame_with(app, "Investigations ended").set_index(["Quarter", "Force or group"])
    groups = (("Kent Police", ["kent"]), ("Most similar forces", KENT_PEERS),
              ("England and Wales", nation))  # fmt: skip
    quarters = (("Apr–Jun 2025", "2025-04-01", "2025-06-30"),
                ("Jul–Sep 2025", "2025-07-01", "2025-09-30"))  # fmt: skip
    for (group, codes), (quarter, first, last) in itertools.product(groups, quarters):
        referrals = referrals_of_quarter(demo, first, last, codes)
        investigations = referrals[referrals["assessment"] == "investigation"]
        not_transferred = int((referrals["assessment"] != "transferred").sum())
        row = rates.loc[(quarter, group)]
        assert (row["Investigations"], row["Referrals not transferred"]) == (
            len(investigations),
            not_transferred,
        )
        low, high = wilson(len(investigations), not_transferred)
        assert row["Investigation rate (%)"] == round(
            len(investigations) / not_transferred * 100, 1
        )
        assert (row["95% from"], row["95% to"]) == (round(low * 100, 1), round(high * 100, 1))
        found = set(outcomes.loc[outcomes["outcome"].isin(FINDINGS), "referral_id"])
        answered = set(outcomes.loc[outcomes["outcome"].isin(CASE_TO_ANSWER), "referral_id"])
        with_finding = investigations["referral_id"].isin(found)
        row = answers.loc[(quarter, group)]
        assert (row["Case to answer"], row["Investigations with a finding"]) == (
            int(investigations["referral_id"].isin(answered).sum()),
            int(with_finding.sum()),
        )

        ended = investigations["referral_id"].map(ended_on.min())
        days = ((ended.fillna(AS_AT) - investigations["received_date"]).dt.days).tolist()
        median, low, high = hand_median_interval(days, ended.notna().astype(int).tolist())
        row = medians.loc[(quarter, group)]
        assert (row["Investigations ended"], row["Investigations"]) == (
            int(ended.notna().sum()),
            len(investigations),
        )
        for column, value in (("Median days to outcome", median), ("95% from", low),
                              ("95% to", high)):  # fmt: skip
            assert (math.isnan(value) and pd.isna(row[column])) or row[column] == value, column
    # Kent's median in Apr–Jun 2025 is shown; in Jul–Sep fewer than half had ended
    assert not math.isnan(medians.loc[("Apr–Jun 2025", "Kent Police"), "Median days to outcome"])
    assert math.isnan(medians.loc[("Jul–Sep 2025", "Kent Police"), "Median days to outcome"])


def decided_counts(demo, first, last, forces) -> dict[str, int]:
    """The outcomes decided from first to last (docs/metrics.md, the event view) of referrals
    the forces received, whenever the report came in, counted with plain pandas."""
    referrals = selected_referrals(demo["reports"], demo["referrals"], forces=forces)
    rows = decided_rows(referrals, demo["outcomes"], pd.Timestamp(first), pd.Timestamp(last))
    return {label: int((rows["measure"] == key).sum()) for key, label in LABELS.items()}


def test_outcomes_decided_in_the_year_beside_the_cohort_for_kent_and_its_groups(open_page, demo):
    """2025/26: the outcomes decided in the year for Kent, its most similar forces pooled (the
    sum of each peer's), the South East and England and Wales, counted here from the extract;
    the counts table beside it is labelled as the cohort's."""
    app = open_forces(open_page, {"period": "fy2025", "focus": "kent"})
    first, last = FY2025
    assert "Outcomes decided in 2025/26" in [h.value for h in app.subheader]
    shown = table(app, "Outcome", having="Most similar forces").set_index("Outcome")
    assert list(shown.index) == list(LABELS.values())
    forces = demo["forces"]
    south_east = list(forces.loc[forces["region_name"] == "South East", "force_code"])
    nation = list(forces.loc[forces["nation"].isin(["england", "wales"]), "force_code"])
    for column, codes in (("Kent Police", ["kent"]), ("Most similar forces", KENT_PEERS),
                          ("South East", south_east), ("England and Wales", nation)):  # fmt: skip
        assert shown[column].to_dict() == decided_counts(demo, first, last, codes), column
    one_by_one = [decided_counts(demo, first, last, [code]) for code in KENT_PEERS]
    assert shown["Most similar forces"].to_dict() == {
        label: sum(counts[label] for counts in one_by_one) for label in LABELS.values()
    }
    # the event view differs from the cohort's counts, and each is labelled as what it is
    cohort = frame_with(app, "Count").set_index("Count")
    assert shown.at["Dismissals", "Kent Police"] != cohort.at["Dismissals", "Kent Police"]
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Of reports received in 2025/26, so far: counts") for c in captions)
    assert any(c.startswith("Decided in 2025/26: the outcomes decided") for c in captions)
    shown_frame = next(d for d in app.dataframe if "Outcome" in d.value.columns)
    config = json.loads(shown_frame.proto.columns)
    assert config["England and Wales"]["type_config"]["format"] == "%,d"
