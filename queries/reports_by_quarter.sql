-- Reports received per calendar quarter by channel, every quarter the period touches and both
-- channels, zeros included. A quarter at either end of the period may be only partly inside it.
-- One row per quarter per channel: quarter_start (date), quarter_end (date, its last day),
-- channel, reports.
-- Parameters: the filters ($first_date ... $categories, see filtered_tables.sql).
with quarters as (
    select
        cast(quarter_start as date) as quarter_start,
        cast(quarter_start + interval 3 month - interval 1 day as date) as quarter_end
    from range(
        date_trunc('quarter', $first_date::date),
        date_trunc('quarter', $last_date::date) + interval 3 month,
        interval 3 month
    ) as t(quarter_start)
),
channels as (
    select value::varchar as channel, position
    from unnest(enum_range(null::channel)) with ordinality as t(value, position)
),
counted as (
    select
        cast(date_trunc('quarter', received_date) as date) as quarter_start,
        channel::varchar as channel,
        count(*) as reports
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
    group by all
)
select q.quarter_start, q.quarter_end, c.channel, coalesce(n.reports, 0) as reports
from quarters q
cross join channels c
left join counted n on n.quarter_start = q.quarter_start and n.channel = c.channel
order by q.quarter_start, c.position
