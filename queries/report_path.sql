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
referred_reports as (
    select distinct report_id
    from cohort_referrals(
        $first_date, $last_date, []::varchar[], []::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
cases as (
    select *
    from referral_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
report_counts as (
    select
        count(*) as received,
        count(*) filter (where d.report_id is not null) as passed_on
    from reports r
    left join referred_reports d on d.report_id = r.report_id
),
case_counts as (
    select
        count(*) as investigated,
        count(*) filter (where has_case_to_answer) as case_to_answer,
        count(*) filter (where has_case_to_answer and has_proceedings_outcome) as concluded,
        count(*) filter (where has_dismissed or has_would_have_been_dismissed) as removed,
        count(*) filter (where has_barred) as barred
    from cases
    where assessment = 'investigation'
)
select stage_order, stage, unit, count
from report_counts, case_counts,
    lateral (values
        (1, 'Reports received', 'reports', received),
        (2, 'Passed to a force', 'reports', passed_on),
        (3, 'Investigated', 'referrals', investigated),
        (4, 'Case to answer', 'referrals', case_to_answer),
        (5, 'Misconduct proceedings concluded', 'referrals', concluded),
        (6, 'Dismissed or would have been', 'referrals', removed),
        (7, 'Barred from policing', 'referrals', barred)
    ) as stages(stage_order, stage, unit, count)
order by stage_order
