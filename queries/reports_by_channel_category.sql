-- Reports received in the period by channel and category, for the channel-by-category table:
-- a report counts under every category it carries (so a channel's categories add up to more
-- than its reports), and once in its channel's total.
-- One row per channel per category (zeros included), both in the data contract's order:
-- channel, category, reports (the channel's reports carrying the category), channel_reports
-- (the channel's reports, each counted once).
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with selected as (
    select channel::varchar as channel, categories
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
),
channel_totals as (
    select channel, count(*) as channel_reports
    from selected
    group by channel
),
-- one row per report per category it carries
carried as (
    select s.channel, c.category::varchar as category, count(*) as reports
    from selected s, unnest(s.categories) as c(category)
    group by all
),
cells as (
    select ch.channel::varchar as channel, ch.channel_order, ca.category::varchar as category,
        ca.category_order
    from unnest(enum_range(null::channel)) with ordinality as ch(channel, channel_order)
    cross join unnest(enum_range(null::category)) with ordinality as ca(category, category_order)
)
select
    x.channel,
    x.category,
    coalesce(c.reports, 0)::bigint as reports,
    coalesce(t.channel_reports, 0)::bigint as channel_reports
from cells x
left join carried c on c.channel = x.channel and c.category = x.category
left join channel_totals t on t.channel = x.channel
order by x.channel_order, x.category_order
