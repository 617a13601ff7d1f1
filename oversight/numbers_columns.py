"""How the tables of numbers behind the charts show their columns on screen (st.dataframe's
column_config): plain headings for column names, thousands separators on counts, shares as
percentages. The CSV downloads keep the column names and values as they are."""

import streamlit as st

# Counts of reports, referrals or officers: shown with thousands separators.
COUNTS = {
    "reports": "Reports",
    "force_reports": "The force's reports",
    "officer_fte": "Officers (FTE)",
    "officer_years": "Officer-years in the service",
    "days_covered": "Days inside the period",
}
# Shares (0 to 1): shown as percentages.
SHARES = {
    "share_of_reports": "Share of all reports",
    "share_of_force_reports": "Share of the force's reports",
}
# Rates per 1,000 officers a year: one decimal place.
RATES = {
    "reports_per_1000_officers": "Reports per 1,000 officers a year",
    "rate_low": "95% interval from",
    "rate_high": "to",
}
WORDS = {
    "month": "Month",
    "quarter_start": "Quarter from",
    "label": "Quarter",
    "channel": "Channel",
    "category": "Category",
    "attribute": "Split by",
    "value": "Value",
    "force": "Force",
    "force_name": "Force",
    "partial": "Only partly inside the period",
}


def numbers_columns() -> dict:
    """column_config for any table of numbers behind a chart of the Reports page or the
    Overview (a column it does not name is shown as it is)."""
    number = st.column_config.NumberColumn
    return {
        **WORDS,
        **{name: number(heading, format="localized") for name, heading in COUNTS.items()},
        **{name: number(heading, format="percent") for name, heading in SHARES.items()},
        **{name: number(heading, format="%.1f") for name, heading in RATES.items()},
    }
