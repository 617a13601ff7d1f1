-- Reports received in the period by each single-valued attribute of a report: channel,
-- subject_role, anonymous, duty_status, setting, and how many categories it carries
-- (category_count: '1', '2', '3 or more'). Each attribute splits the same reports, so its
-- counts add up to the number of reports.
-- One row per attribute per value, every value of the data contract listed (zeros included),
-- in the contract's order: attribute, value, position (order within the attribute), reports.
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with combinations as materialized (
    -- one pass over the reports, grouped on every attribute at once (a few hundred
    -- combinations at most), then split by attribute below
    select
        channel,
        subject_role,
        anonymous,
        duty_status,
        setting,
        least(len(categories), 3) as category_count,
        count(*) as reports
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    group by all
),
counted as (
    select 'channel' as attribute, channel::varchar as value, sum(reports) as reports
    from combinations
    group by all
    union all
    select 'subject_role', subject_role::varchar, sum(reports)
    from combinations
    group by all
    union all
    select 'anonymous', case when anonymous then 'anonymous' else 'named' end, sum(reports)
    from combinations
    group by all
    union all
    select 'duty_status', duty_status::varchar, sum(reports)
    from combinations
    group by all
    union all
    select 'setting', setting::varchar, sum(reports)
    from combinations
    group by all
    union all
    select
        'category_count',
        case when category_count = 3 then '3 or more' else category_count::varchar end,
        sum(reports)
    from combinations
    group by all
),
all_values as (
    select 'channel' as attribute, value::varchar as value, position
    from unnest(enum_range(null::channel)) with ordinality as t(value, position)
    union all
    select 'subject_role', value::varchar, position
    from unnest(enum_range(null::subject_role)) with ordinality as t(value, position)
    union all
    select 'anonymous', value, position
    from unnest(['anonymous', 'named']) with ordinality as t(value, position)
    union all
    select 'duty_status', value::varchar, position
    from unnest(enum_range(null::duty_status)) with ordinality as t(value, position)
    union all
    select 'setting', value::varchar, position
    from unnest(enum_range(null::setting)) with ordinality as t(value, position)
    union all
    select 'category_count', value, position
    from unnest(['1', '2', '3 or more']) with ordinality as t(value, position)
)
select a.attribute, a.value, a.position, coalesce(c.reports, 0)::bigint as reports
from all_values a
left join counted c on c.attribute = a.attribute and c.value = a.value
order by
    list_position(
        ['channel', 'subject_role', 'anonymous', 'duty_status', 'setting', 'category_count'],
        a.attribute
    ),
    a.position
