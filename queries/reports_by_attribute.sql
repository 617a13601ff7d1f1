-- Reports received in the period by each single-valued attribute of a report: channel,
-- subject_role, anonymous, duty_status, setting, and how many categories it carries
-- (category_count: '1', '2', '3 or more'). Each attribute splits the same reports, so its
-- counts add up to the number of reports.
-- One row per attribute per value, every value of the data contract listed (zeros included),
-- in the contract's order: attribute, value, position (order within the attribute), reports.
-- Parameters: the filters ($first_date ... $categories, see filtered_tables.sql).
with reports as (
    select
        channel::varchar as channel,
        subject_role::varchar as subject_role,
        case when anonymous then 'anonymous' else 'named' end as anonymous,
        duty_status::varchar as duty_status,
        setting::varchar as setting,
        case when len(categories) >= 3 then '3 or more' else len(categories)::varchar end
            as category_count
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
counted as (
    -- one pass over the reports for every attribute
    select
        case
            when grouping(channel) = 0 then 'channel'
            when grouping(subject_role) = 0 then 'subject_role'
            when grouping(anonymous) = 0 then 'anonymous'
            when grouping(duty_status) = 0 then 'duty_status'
            when grouping(setting) = 0 then 'setting'
            else 'category_count'
        end as attribute,
        coalesce(channel, subject_role, anonymous, duty_status, setting, category_count)
            as value,
        count(*) as reports
    from reports
    group by grouping sets (
        (channel), (subject_role), (anonymous), (duty_status), (setting), (category_count)
    )
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
select a.attribute, a.value, a.position, coalesce(c.reports, 0) as reports
from all_values a
left join counted c on c.attribute = a.attribute and c.value = a.value
order by
    list_position(
        ['channel', 'subject_role', 'anonymous', 'duty_status', 'setting', 'category_count'],
        a.attribute
    ),
    a.position
