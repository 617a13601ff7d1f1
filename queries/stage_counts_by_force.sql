-- Counts at each stage by force, cohort view (docs/metrics.md, "Counts" and "Force"): the
-- reports received in the period by the force the reported person works for (subject_force),
-- and the referrals of those reports, with their outcomes so far, by the force that received
-- them. Counts are additive over forces, so a region's or a nation's figures are the sum of its
-- forces' rows.
-- One row per force of the reference that matches the force and region filters (zeros
-- included), in the reference's name order, then one row 'unknown' ("Force not known") when no
-- force or region is chosen:
--   force_code, force_name, short_name, force_type, nation, region_name, officer_fte (NULL
--     where the force has no officer figure), officer_fte_date
--   reports, reports_phone, reports_online, disseminated_reports (reports naming the force
--     with at least one referral, to any force)
--   referrals (received by the force), investigations, transferred,
--   investigations_with_finding (investigations with a finding so far), case_to_answer,
--   dismissals, would_have_been_dismissed, open_cases (as in headline_counts.sql)
-- Parameters: the filters ($first_date ... $categories, see filtered_tables.sql).
with reports as (
    select report_id, subject_force::varchar as force_code, channel
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
referred_reports as (
    select distinct report_id
    from live.referrals
),
report_counts as (
    select
        r.force_code,
        count(*) as reports,
        count(*) filter (where r.channel = 'phone') as reports_phone,
        count(*) filter (where r.channel = 'online') as reports_online,
        count(d.report_id) as disseminated_reports
    from reports r
    left join referred_reports d on d.report_id = r.report_id
    group by r.force_code
),
referrals as (
    select
        force::varchar as force_code,
        assessment,
        finding_date,
        ended_date,
        has_case_to_answer,
        has_dismissed,
        has_would_have_been_dismissed
    from referral_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
referral_counts as (
    select
        force_code,
        count(*) as referrals,
        count(*) filter (where assessment = 'investigation') as investigations,
        count(*) filter (where assessment = 'transferred') as transferred,
        count(*) filter (where assessment = 'investigation' and finding_date is not null)
            as investigations_with_finding,
        count(*) filter (where assessment = 'investigation' and has_case_to_answer)
            as case_to_answer,
        count(*) filter (where has_dismissed) as dismissals,
        count(*) filter (where has_would_have_been_dismissed) as would_have_been_dismissed,
        count(*) filter (where assessment = 'investigation' and ended_date is null)
            as open_cases
    from referrals
    group by force_code
),
matching_forces as (
    select
        f.force_code::varchar as force_code,
        f.force_name,
        f.short_name,
        f.force_type,
        f.nation,
        f.region_name,
        f.officer_fte::double as officer_fte,
        f.officer_fte_date,
        0 as sort_group
    from live.forces f
    where (len($forces::varchar[]) = 0 or list_contains($forces::varchar[], f.force_code::varchar))
        and (len($regions::varchar[]) = 0 or list_contains($regions::varchar[], f.region_name))
),
force_not_known as (
    select
        'unknown' as force_code,
        'Force not known' as force_name,
        'Force not known' as short_name,
        null::varchar as force_type,
        null::varchar as nation,
        null::varchar as region_name,
        null::double as officer_fte,
        null::date as officer_fte_date,
        1 as sort_group
    where len($forces::varchar[]) = 0 and len($regions::varchar[]) = 0
),
rows as (
    select * from matching_forces
    union all
    select * from force_not_known
)
select
    f.force_code,
    f.force_name,
    f.short_name,
    f.force_type,
    f.nation,
    f.region_name,
    f.officer_fte,
    f.officer_fte_date,
    coalesce(r.reports, 0) as reports,
    coalesce(r.reports_phone, 0) as reports_phone,
    coalesce(r.reports_online, 0) as reports_online,
    coalesce(r.disseminated_reports, 0) as disseminated_reports,
    coalesce(c.referrals, 0) as referrals,
    coalesce(c.investigations, 0) as investigations,
    coalesce(c.transferred, 0) as transferred,
    coalesce(c.investigations_with_finding, 0) as investigations_with_finding,
    coalesce(c.case_to_answer, 0) as case_to_answer,
    coalesce(c.dismissals, 0) as dismissals,
    coalesce(c.would_have_been_dismissed, 0) as would_have_been_dismissed,
    coalesce(c.open_cases, 0) as open_cases
from rows f
left join report_counts r on r.force_code = f.force_code
left join referral_counts c on c.force_code = f.force_code
order by f.sort_group, f.short_name
