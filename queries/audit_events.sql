-- The audit log, newest first (from the ledger beside the data file, not the data file).
-- One row per recorded act of a user: at (UTC), user_id, role, event, page, detail (JSON text).
-- Parameters: $user (one user, or null for all), $first and $last (dates, UTC, either null for
-- no bound), $limit (how many rows, or null for all).
with chosen as (
    select event_id, recorded_at, user_id, role, event, page, detail
    from audit_events
    where ($user is null or user_id = $user)
        and ($first is null or recorded_at >= $first::timestamp)
        and ($last is null or recorded_at < $last::timestamp + interval 1 day)
)
select
    recorded_at as "at", user_id, role, event, page, detail::varchar as detail
from chosen
order by recorded_at desc, event_id desc
limit $limit
