"""The rates of docs/metrics.md ("Rates"), each a count over a count, defined once for every
page, the snapshot and the command line. The names are columns of the counts queries
(queries/filtered_tables.sql, counts_by_force), where each count is defined."""

# rate -> (numerator, denominator)
RATES = {
    "dissemination_rate": ("disseminated_reports", "reports"),
    "investigation_rate": ("investigations", "referrals_not_transferred"),
    "case_to_answer_rate": ("case_to_answer", "investigations_with_finding"),
    "false_allegation_rate": ("false_allegations", "investigations_with_finding"),
    "dismissal_rate": ("dismissals", "investigations"),
}
