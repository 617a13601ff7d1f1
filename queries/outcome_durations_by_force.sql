-- Days to outcome (docs/metrics.md, "Times") by receiving force, aggregated for a Kaplan-Meier
-- curve per force: per investigation, whole days from the report's received date to the first
-- outcome that ends the case, or to the as-at date for a case still open (censored). Only the
-- $top forces with the most investigations among those matching the filters are returned.
-- One row per (force, days, ended): force_code, force_name, investigations (the force's
-- total), force_rank (1 = most investigations), forces_with_investigations (how many forces
-- matching the filters have any), days, ended (true = the case ended that day), cases.
-- Parameters: the filters ($first_date ... $subject_roles), $as_at, $top (how many forces).
with investigations as (
    select
        force::varchar as force_code,
        days_to_outcome(ended_date, received_date, $as_at) as days,
        not is_open_case as ended
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    where is_investigation
),
force_totals as (
    select i.force_code, f.force_name, count(*) as investigations
    from investigations i
    join forces f on f.force_code::varchar = i.force_code
    group by i.force_code, f.force_name
),
ranked as (
    select
        *,
        row_number() over (order by investigations desc, force_name) as force_rank,
        count(*) over () as forces_with_investigations
    from force_totals
)
select
    r.force_code,
    r.force_name,
    r.investigations,
    r.force_rank,
    r.forces_with_investigations,
    i.days,
    i.ended,
    count(*) as cases
from investigations i
join ranked r on r.force_code = i.force_code
where r.force_rank <= $top
group by all
order by r.force_rank, i.days, i.ended desc
