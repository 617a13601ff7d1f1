-- Reports received in the period by category: a report counts under every category it carries
-- (the published reports_by_category.csv), so the counts add up to more than the reports.
-- One row per category code, in the data contract's order, zeros included: category, reports.
-- Parameters: the filters ($first_date ... $categories, see filtered_tables.sql).
with carried as (
    select unnest(categories)::varchar as category
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
counted as (
    select category, count(*) as reports
    from carried
    group by category
),
all_categories as (
    select category::varchar as category, position
    from unnest(enum_range(null::category)) with ordinality as t(category, position)
)
select a.category, coalesce(c.reports, 0) as reports
from all_categories a
left join counted c on c.category = a.category
order by a.position
