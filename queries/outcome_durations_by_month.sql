-- Days to outcome (docs/metrics.md, "Times") by the month the report was received, aggregated
-- for a Kaplan-Meier estimate per month or quarter: per investigation, whole days from the
-- report's received date to the first outcome that ends the case, or to the as-at date for a
-- case still open (censored), as days_to_outcome (filtered_tables.sql) defines it.
-- One row per (month, days, ended): month_start (date), days, ended (true = the case ended
-- that day), cases.
-- Parameters: the filters ($first_date ... $subject_roles), $as_at.
select
    cast(date_trunc('month', received_date) as date) as month_start,
    days_to_outcome(ended_date, received_date, $as_at) as days,
    not is_open_case as ended,
    count(*) as cases
from cohort_referrals(
    $first_date, $last_date, $forces::varchar[], $regions::varchar[],
    $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
)
where is_investigation
group by all
order by month_start, days, ended desc
