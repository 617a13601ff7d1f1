-- Referrals awaiting a force decision (docs/metrics.md, "awaiting force decision"), by
-- receiving force, cohort view: referrals still pending, and those pending more than
-- $overdue_days (28) after referred_at at the as-at date (overdue).
-- One row per force with at least one pending referral, most overdue first: force_code,
-- force_name, short_name (as charts name forces), pending, overdue, within_28_days (not overdue
-- yet), oldest_days (days since the oldest pending referral was made).
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql), $as_at,
-- $overdue_days.
with pending as (
    select
        force::varchar as force_code,
        days_waiting(referred_date, $as_at) as days_waiting,
        is_overdue(referred_date, $as_at, $overdue_days) as is_overdue
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
    where is_pending
)
select
    p.force_code,
    f.force_name,
    f.short_name,
    count(*) as pending,
    count(*) filter (where p.is_overdue) as overdue,
    count(*) filter (where not p.is_overdue) as within_28_days,
    max(p.days_waiting) as oldest_days
from pending p
join forces f on f.force_code::varchar = p.force_code
group by all
order by overdue desc, pending desc, f.force_name
