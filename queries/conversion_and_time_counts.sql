-- The counts behind every conversion rate (docs/metrics.md, "Rates") and the plain times
-- ("Times": days to dissemination, to finding, to dismissal), cohort view: of the reports
-- received in the period, what has happened so far. Days to outcome is a Kaplan-Meier estimate
-- instead (investigations_by_outcome_and_duration.sql), so it is not here.
-- One row:
--   reports, disseminated_reports     dissemination rate = disseminated_reports / reports
--   referrals, transferred,
--   investigations                    investigation rate = investigations / (referrals -
--                                     transferred)
--   investigations_with_finding,
--   case_to_answer, false_allegations case-to-answer and false-allegation rates, over
--                                     investigations with a finding (numerators count
--                                     investigations with a finding, so each is part of its
--                                     denominator)
--   dismissals                        dismissal rate = dismissals (of investigations) /
--                                     investigations
--   <time>_cases, <time>_median_days, <time>_p90_days for dissemination (per referral),
--   finding (per referral with a finding) and dismissal (per dismissal): how many were
--   measured and the median and 90th percentile in whole days (linear interpolation between
--   closest ranks, as pandas' quantile; NULL where none).
-- Parameters: the filters ($first_date ... $categories, see filtered_tables.sql).
with report_counts as (
    select count(*) as reports
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
disseminated as (
    -- Reports of the selection with at least one referral, to any force: the referrals of
    -- every receiving force, kept where the report's subject force is selected (as
    -- filtered_reports selects reports). Much faster than joining millions of reports.
    select count(distinct c.report_id) as disseminated_reports
    from cohort_referrals(
        $first_date, $last_date, []::varchar[], []::varchar[], $channels::varchar[],
        $categories::varchar[]
    ) c
    where (len($forces::varchar[]) = 0 and len($regions::varchar[]) = 0)
        or c.subject_force::varchar in (
            select f.force_code::varchar
            from forces f
            where (len($forces::varchar[]) = 0 or list_contains($forces::varchar[], f.force_code::varchar))
                and (len($regions::varchar[]) = 0 or list_contains($regions::varchar[], f.region_name))
        )
),
cases as (
    select
        *,
        referred_date - received_date as days_to_dissemination,
        finding_date - referred_date as days_to_finding,
        dismissed_date - received_date as days_to_dismissal
    from referral_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
case_counts as (
    select
        count(*) as referrals,
        count(*) filter (where assessment = 'transferred') as transferred,
        count(*) filter (where assessment = 'investigation') as investigations,
        count(*) filter (where assessment = 'investigation' and finding_date is not null)
            as investigations_with_finding,
        count(*) filter (
            where assessment = 'investigation' and finding_date is not null
                and has_case_to_answer
        ) as case_to_answer,
        count(*) filter (
            where assessment = 'investigation' and finding_date is not null
                and has_false_allegation
        ) as false_allegations,
        count(*) filter (where assessment = 'investigation' and has_dismissed) as dismissals,
        count(days_to_dissemination) as dissemination_cases,
        quantile_cont(days_to_dissemination, 0.5) as dissemination_median_days,
        quantile_cont(days_to_dissemination, 0.9) as dissemination_p90_days,
        count(days_to_finding) as finding_cases,
        quantile_cont(days_to_finding, 0.5) as finding_median_days,
        quantile_cont(days_to_finding, 0.9) as finding_p90_days,
        count(days_to_dismissal) as dismissal_cases,
        quantile_cont(days_to_dismissal, 0.5) as dismissal_median_days,
        quantile_cont(days_to_dismissal, 0.9) as dismissal_p90_days
    from cases
)
select * from report_counts, disseminated, case_counts
