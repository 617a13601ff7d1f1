-- Reports received in the period by subject force and category, for a force-by-category heat
-- map: a report counts under every category it carries, so a force's counts add up to more
-- than its reports.
-- One row per force per category (zeros included): every force of the reference matching the
-- force and region filters, then 'unknown' ("Force not known") when no force or region is
-- chosen, × every category in the data contract's order: force_code, short_name, category,
-- reports, force_reports (the force's reports, each counted once).
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with combinations as materialized (
    -- group on force and list first (a few thousand rows), then unnest those, not every report
    select subject_force::varchar as force_code, categories, count(*) as reports
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    group by all
),
force_totals as (
    select force_code, sum(reports) as force_reports
    from combinations
    group by force_code
),
carried as (
    select force_code, unnest(categories)::varchar as category, reports
    from combinations
),
counted as (
    select force_code, category, sum(reports) as reports
    from carried
    group by all
),
all_categories as (
    select value::varchar as category, position
    from unnest(enum_range(null::category)) with ordinality as t(value, position)
)
select
    f.force_code,
    f.short_name,
    a.category,
    coalesce(c.reports, 0)::bigint as reports,
    coalesce(t.force_reports, 0)::bigint as force_reports
from force_rows($forces::varchar[], $regions::varchar[]) f
cross join all_categories a
left join counted c on c.force_code = f.force_code and c.category = a.category
left join force_totals t on t.force_code = f.force_code
order by f.sort_group, f.short_name, a.position
