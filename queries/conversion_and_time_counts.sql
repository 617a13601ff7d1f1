-- The counts behind every conversion rate (docs/metrics.md, "Rates") and the plain times
-- ("Times": days to dissemination, to finding, to dismissal), cohort view: of the reports
-- received in the period, what has happened so far. The counts are those of headline_counts and
-- the times those of cohort_referrals (filtered_tables.sql), where each is defined. Days to
-- outcome is a Kaplan-Meier estimate instead (outcome_durations.sql), so it is not here.
-- One row:
--   reports, disseminated_reports     dissemination rate = disseminated_reports / reports
--   referrals, transferred,
--   referrals_not_transferred,
--   investigations                    investigation rate = investigations /
--                                     referrals_not_transferred
--   investigations_with_finding,
--   case_to_answer, false_allegations case-to-answer and false-allegation rates, over
--                                     investigations with a finding (both are findings of an
--                                     investigation, so each is part of its denominator)
--   dismissals                        dismissal rate = dismissals / investigations
--   <time>_cases, <time>_median_days, <time>_p90_days for dissemination (per referral),
--   finding (per investigation with a finding) and dismissal (per dismissal): how many were
--   measured and the median and 90th percentile in whole days (linear interpolation between
--   closest ranks, as pandas' quantile; NULL where none).
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with counts as (
    select
        reports, disseminated_reports, referrals, transferred, referrals_not_transferred,
        investigations, investigations_with_finding, case_to_answer, false_allegations,
        dismissals
    from headline_counts(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[],
        null::date, null::integer
    )
),
times as (
    select
        count(days_to_dissemination) as dissemination_cases,
        quantile_cont(days_to_dissemination, 0.5) as dissemination_median_days,
        quantile_cont(days_to_dissemination, 0.9) as dissemination_p90_days,
        count(days_to_finding) as finding_cases,
        quantile_cont(days_to_finding, 0.5) as finding_median_days,
        quantile_cont(days_to_finding, 0.9) as finding_p90_days,
        count(days_to_dismissal) as dismissal_cases,
        quantile_cont(days_to_dismissal, 0.5) as dismissal_median_days,
        quantile_cont(days_to_dismissal, 0.9) as dismissal_p90_days
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
)
select * from counts, times
