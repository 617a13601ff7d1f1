-- Days to outcome (docs/metrics.md, "Times") by report category, aggregated for a Kaplan-Meier
-- curve per category: per investigation, whole days from the report's received date to the
-- first outcome that ends the case, or to the as-at date for a case still open (censored). An
-- investigation counts under each category its report carries (only the chosen categories
-- when the filters name some).
-- One row per (category, days, ended): category, days, ended (true = the case ended that
-- day), cases.
-- Parameters: the filters ($first_date ... $subject_roles), $as_at.
with investigations as (
    select
        unnest(categories)::varchar as category,
        days_to_outcome(ended_date, received_date, $as_at) as days,
        not is_open_case as ended
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    where is_investigation
)
select category, days, ended, count(*) as cases
from investigations
where len($categories::varchar[]) = 0 or list_contains($categories::varchar[], category)
group by all
order by category, days, ended desc
