-- The as-at date (docs/metrics.md): the latest date anywhere in the stored extracts (received,
-- referred, assessed, decided), and whether any stored data came from the synthetic demo.
-- One row: as_at_date (NULL when nothing is stored), first_received_date, last_received_date,
-- synthetic. No parameters.
with dates as (
    select max(cast(received_at as date)) as latest from reports
    union all
    select max(cast(referred_at as date)) from referrals
    union all
    select max(assessed_at) from referrals
    union all
    select max(decided_at) from outcomes
)
select
    (select max(latest) from dates) as as_at_date,
    (select min(cast(received_at as date)) from reports) as first_received_date,
    (select max(cast(received_at as date)) from reports) as last_received_date,
    coalesce((select bool_or(synthetic) from imports), false) as synthetic
