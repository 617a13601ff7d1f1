-- Who is reported, stage by stage (docs/metrics.md, "Who is reported, and is it fair"): for
-- each subject group, how many reports, investigations, cases to answer and dismissals, and the
-- counts that enter and leave each stage, cohort view (outcomes of the period's reports so far).
-- One row per group of $group_codes, in that order, zeros included (other groups are left out):
--   group_code          a subject_sex or subject_ethnicity code
--   group               its label, from $group_labels
--   reports             reports received in the period about the group
--   reports_investigated  of those, reports that a force within the filters is investigating
--   investigations      as in the headline counts (each count as filtered_tables.sql defines it)
--   investigations_with_finding  investigations with a finding so far
--   case_to_answer      investigations with a case to answer (misconduct or gross misconduct)
--   dismissals          referrals with an outcome dismissed (as in the headline counts)
--   dismissals_after_case_to_answer  cases to answer that ended in dismissal
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql),
-- $characteristic: 'sex' groups by subject_sex, 'ethnicity' by subject_ethnicity (a bound
-- value choosing between two fixed columns, so no identifier is pasted into the SQL), and
-- $group_codes, $group_labels: the characteristic's groups in the order shown, and their labels.
with reports as (
    select
        report_id,
        case $characteristic
            when 'sex' then subject_sex::varchar
            when 'ethnicity' then subject_ethnicity::varchar
        end as subject_group
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
),
cases as (
    select
        report_id,
        case $characteristic
            when 'sex' then subject_sex::varchar
            when 'ethnicity' then subject_ethnicity::varchar
        end as subject_group,
        is_investigation,
        is_investigation_with_finding,
        is_case_to_answer,
        is_dismissal
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
),
investigated_reports as (
    select distinct report_id
    from cases
    where is_investigation
),
report_counts as (
    select
        r.subject_group,
        count(*) as reports,
        count(i.report_id) as reports_investigated
    from reports r
    left join investigated_reports i on i.report_id = r.report_id
    group by r.subject_group
),
case_counts as (
    select
        subject_group,
        count(*) filter (where is_investigation) as investigations,
        count(*) filter (where is_investigation_with_finding) as investigations_with_finding,
        count(*) filter (where is_case_to_answer) as case_to_answer,
        count(*) filter (where is_dismissal) as dismissals,
        count(*) filter (where is_case_to_answer and is_dismissal)
            as dismissals_after_case_to_answer
    from cases
    group by subject_group
),
chosen_groups as (
    select
        unnest($group_codes::varchar[]) as group_code,
        unnest($group_labels::varchar[]) as group_label,
        generate_subscripts($group_codes::varchar[], 1) as position
)
select
    g.group_code,
    g.group_label as "group",
    coalesce(r.reports, 0) as reports,
    coalesce(r.reports_investigated, 0) as reports_investigated,
    coalesce(c.investigations, 0) as investigations,
    coalesce(c.investigations_with_finding, 0) as investigations_with_finding,
    coalesce(c.case_to_answer, 0) as case_to_answer,
    coalesce(c.dismissals, 0) as dismissals,
    coalesce(c.dismissals_after_case_to_answer, 0) as dismissals_after_case_to_answer
from chosen_groups g
left join report_counts r on r.subject_group = g.group_code
left join case_counts c on c.subject_group = g.group_code
order by g.position
