-- The path of a report (Overview funnel): how many reached each stage so far, cohort view.
-- One row per stage in order: stage_order, stage, unit, count.
-- Parameters: the filters ($first_date ... $categories).
with reports as (
    select report_id
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
cases as (
    select *
    from referral_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
)
select 1 as stage_order, 'Reports received' as stage, 'reports' as unit, count(*) as count
from reports
union all
select 2, 'Passed to a force', 'reports', count(*)
from reports r
where exists (select 1 from referrals f where f.report_id = r.report_id)
union all
select 3, 'Investigated', 'referrals', count(*) from cases where assessment = 'investigation'
union all
select 4, 'Case to answer', 'referrals', count(*)
from cases where assessment = 'investigation' and has_case_to_answer
union all
select 5, 'Misconduct proceedings concluded', 'referrals', count(*)
from cases where assessment = 'investigation' and has_case_to_answer and has_proceedings_outcome
union all
select 6, 'Dismissed or would have been', 'referrals', count(*)
from cases
where assessment = 'investigation' and (has_dismissed or has_would_have_been_dismissed)
union all
select 7, 'Barred from policing', 'referrals', count(*)
from cases where assessment = 'investigation' and has_barred
order by stage_order
