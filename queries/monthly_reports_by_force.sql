-- Reports received per month by the force the reported person works for (subject_force), for
-- a force's trend beside the sum over its region or nation. Months with no report are absent.
-- One row per force per month with at least one report: force_code ('unknown' where the force
-- is not known), month_start (date), reports.
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with reports as (
    select subject_force::varchar as force_code, received_date
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
)
select
    force_code,
    cast(date_trunc('month', received_date) as date) as month_start,
    count(*) as reports
from reports
group by all
order by force_code, month_start
