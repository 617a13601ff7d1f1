-- Overdue now (docs/metrics.md): referrals awaiting the receiving force's decision at the as-at
-- date, whatever the report period (awaiting_now, filtered_tables.sql), by receiving force and
-- age band: up to $overdue_days (28) days, to $long_overdue_days (56), and over.
-- One row per force with at least one referral awaiting, and per age band (zeros included), in
-- force name and band order: force_code, force_name, short_name, age_band_order, age_band,
-- is_overdue and is_long_overdue (of the band's referrals), referrals (awaiting, in the band).
-- Parameters: $forces, $regions, $channels, $categories, $subject_roles (see
-- filtered_tables.sql; no period),
-- $as_at, $overdue_days, $long_overdue_days.
with awaiting as (
    select force::varchar as force_code, age_band_order
    from awaiting_now(
        $forces::varchar[], $regions::varchar[], $channels::varchar[], $categories::varchar[],
        $subject_roles::varchar[], $as_at, $overdue_days, $long_overdue_days
    )
),
forces_awaiting as (
    select distinct force_code from awaiting
)
select
    f.force_code::varchar as force_code,
    f.force_name,
    f.short_name,
    b.age_band_order,
    b.age_band,
    b.is_overdue,
    b.is_long_overdue,
    count(a.force_code) as referrals
from forces_awaiting w
join forces f on f.force_code::varchar = w.force_code
cross join waiting_bands($overdue_days, $long_overdue_days) b
left join awaiting a on a.force_code = w.force_code and a.age_band_order = b.age_band_order
group by all
order by f.force_name, b.age_band_order
