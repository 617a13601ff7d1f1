-- Reports received per month by channel, every month of the period and both channels, zeros
-- included (the published reports_by_month.csv).
-- One row per month per channel: month (YYYY-MM), month_start (date), channel, reports.
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with months as (
    select
        strftime(month_start, '%Y-%m') as month,
        cast(month_start as date) as month_start
    from range(
        date_trunc('month', $first_date::date),
        date_trunc('month', $last_date::date) + interval 1 month,
        interval 1 month
    ) as t(month_start)
),
channels as (
    select unnest(['phone', 'online']) as channel
),
counted as (
    select strftime(received_date, '%Y-%m') as month, channel::varchar as channel, count(*) as n
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    group by all
)
select m.month, m.month_start, c.channel, coalesce(n.n, 0) as reports
from months m
cross join channels c
left join counted n on n.month = m.month and n.channel = c.channel
order by m.month, c.channel desc
