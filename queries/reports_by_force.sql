-- Reports received in the period by the force the reported person works for (subject_force),
-- with the force's officer numbers (the published reports_by_force.csv, before the rate).
-- One row per force of the reference that matches the force and region filters (zeros
-- included), in the reference's name order, then one row 'unknown' ("Force not known") when no
-- force or region is chosen: force_code, force_name, short_name, region_name, officer_fte
-- (full-time equivalent; NULL where the force has no officer figure), officer_fte_date, reports.
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with reports as (
    select subject_force::varchar as force_code
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
),
counted as (
    select force_code, count(*) as reports
    from reports
    group by force_code
)
select
    r.force_code,
    r.force_name,
    r.short_name,
    r.region_name,
    r.officer_fte,
    r.officer_fte_date,
    coalesce(c.reports, 0) as reports
from force_rows($forces::varchar[], $regions::varchar[]) r
left join counted c on c.force_code = r.force_code
order by r.sort_group, r.short_name
