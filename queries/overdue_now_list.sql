-- Overdue now (docs/metrics.md), case by case: the referrals awaiting the receiving force's
-- decision at the as-at date, whatever the report period (awaiting_now, filtered_tables.sql).
-- No personal data: no report id, no subject's characteristics, no dates, only how long each
-- referral has waited.
-- One row per referral awaiting, longest waiting first: referral_id, force (the receiving
-- force's short name), categories (the report's category codes, a list), days_waiting (whole
-- days since the referral was made), age_band, is_overdue (more than $overdue_days, 28).
-- Parameters: $forces, $regions, $channels, $categories, $subject_roles (see
-- filtered_tables.sql; no period),
-- $as_at, $overdue_days, $long_overdue_days.
select
    a.referral_id,
    f.short_name as force,
    a.categories::varchar[] as categories,
    a.days_waiting,
    a.age_band,
    a.is_overdue
from awaiting_now(
    $forces::varchar[], $regions::varchar[], $channels::varchar[], $categories::varchar[],
    $subject_roles::varchar[], $as_at, $overdue_days, $long_overdue_days
) a
join forces f on f.force_code = a.force
order by a.days_waiting desc, f.short_name, a.referral_id
