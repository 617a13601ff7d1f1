-- Investigations (cohort view) counted three ways in one pass, for the Outcomes page: by
-- outcome group, by days to outcome, and by receiving force for the cases open longest.
-- One row per (part, key); part says which:
--   part 'outcome'  one row per outcome group that has cases: outcome_group, cases. Every
--                   investigation is in exactly one group, by its furthest outcome: open (no
--                   outcome that ends the case yet, as "open cases" in docs/metrics.md) with or
--                   without a case to answer awaiting proceedings; else dismissed (or would
--                   have been), false allegation, no case to answer, or else a case to answer
--                   ended without dismissal.
--   part 'duration' one row per (days, ended): whole days from the report's received date to
--                   the first outcome that ends the case (ended true), or to the as-at date for
--                   a case still open (ended false: then days is its age), and cases, for a
--                   Kaplan-Meier estimate and the age profile of open cases.
--   part 'force'    one row per receiving force with a case open more than 365 days since the
--                   report: force_code, force_name, cases (open more than 365 days),
--                   over_730_days, median_age_days (linear interpolation), oldest_age_days.
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql), $as_at.
with investigations as (
    select
        force::varchar as force_code,
        days_to_outcome(ended_date, received_date, $as_at) as days,
        not is_open_case as ended,
        case
            when is_open_case and is_case_to_answer then 'case to answer, awaiting proceedings'
            when is_open_case then 'open'
            when is_removed_from_policing then 'dismissed or would have been'
            when is_false_allegation then 'false allegation'
            when has_no_case_to_answer then 'no case to answer'
            else 'case to answer, no dismissal'
        end as outcome_group
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    where is_investigation
),
counted as (
    select
        case
            when grouping(outcome_group) = 0 then 'outcome'
            when grouping(days) = 0 then 'duration'
            else 'force'
        end as part,
        outcome_group,
        days,
        ended,
        force_code,
        count(*) as cases,
        count(*) filter (where not ended and days > 365) as long_open,
        count(*) filter (where not ended and days > 730) as over_730_days,
        quantile_cont(days, 0.5) filter (where not ended and days > 365) as median_age_days,
        max(days) filter (where not ended and days > 365) as oldest_age_days
    from investigations
    group by grouping sets ((outcome_group), (days, ended), (force_code))
)
select
    c.part,
    c.outcome_group,
    c.days,
    c.ended,
    c.force_code,
    f.force_name,
    case when c.part = 'force' then c.long_open else c.cases end as cases,
    case when c.part = 'force' then c.over_730_days end as over_730_days,
    case when c.part = 'force' then c.median_age_days end as median_age_days,
    case when c.part = 'force' then c.oldest_age_days end as oldest_age_days
from counted c
left join forces f on f.force_code::varchar = c.force_code
where c.part <> 'force' or c.long_open > 0
order by c.part, c.days, c.ended desc, cases desc, f.force_name
