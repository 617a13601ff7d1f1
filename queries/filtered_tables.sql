-- The filtered views every dashboard and snapshot query reads, as table macros, so that the
-- rules of docs/metrics.md for periods, forces and filters are written once. Created in the
-- connection's in-memory catalog (memory) when the database is opened; they read catalog live.
-- Arguments (bound as parameters by the calling query):
--   first_date, last_date  received_at dates, both inclusive (cohort view: referrals and
--                          outcomes count against the period of the report they came from)
--   forces, regions        varchar[]; empty = all. A report counts for its subject_force, a
--                          referral for its receiving force (both must match when both given)
--   channels, categories   varchar[]; empty = all; a report matches a category it carries

-- filtered_reports: one row per report received in the period that matches the filters,
-- with received_date. A report whose subject force is unknown matches no force or region.
create or replace macro memory.main.filtered_reports(
    first_date, last_date, forces, regions, channels, categories
) as table
select r.*, cast(r.received_at as date) as received_date
from live.reports r
where r.received_at >= cast(first_date as timestamp)
    and r.received_at < cast(last_date as timestamp) + interval 1 day
    and (len(channels) = 0 or list_contains(channels, r.channel::varchar))
    and (
        len(categories) = 0
        or list_has_any(categories, list_transform(r.categories, lambda c: c::varchar))
    )
    and (
        (len(forces) = 0 and len(regions) = 0)
        or r.subject_force::varchar in (
            select f.force_code::varchar
            from live.forces f
            where (len(forces) = 0 or list_contains(forces, f.force_code::varchar))
                and (len(regions) = 0 or list_contains(regions, f.region_name))
        )
    );

-- cohort_referrals: one row per referral, received by a matching force, of a report received
-- in the period that matches the channel and category filters; with the report's attributes
-- and the case summary (both from table referral_facts, derived at import): the dates of the
-- first investigation finding, the first outcome that ends the case (a misconduct-proceedings
-- outcome, no_case_to_answer or false_allegation) and the first dismissal (NULL where none
-- yet), and a flag for each outcome the referral has had.
create or replace macro memory.main.cohort_referrals(
    first_date, last_date, forces, regions, channels, categories
) as table
select
    f.*,
    cast(f.referred_at as date) as referred_date,
    cast(f.received_at as date) as received_date
from live.referral_facts f
where f.received_at >= cast(first_date as timestamp)
    and f.received_at < cast(last_date as timestamp) + interval 1 day
    and (len(channels) = 0 or list_contains(channels, f.channel::varchar))
    and (
        len(categories) = 0
        or list_has_any(categories, list_transform(f.categories, lambda c: c::varchar))
    )
    and (
        (len(forces) = 0 and len(regions) = 0)
        or f.force::varchar in (
            select x.force_code::varchar
            from live.forces x
            where (len(forces) = 0 or list_contains(forces, x.force_code::varchar))
                and (len(regions) = 0 or list_contains(regions, x.region_name))
        )
    );

-- referral_outcomes: the same rows and columns as cohort_referrals (kept as its own name for
-- the queries that read outcomes).
create or replace macro memory.main.referral_outcomes(
    first_date, last_date, forces, regions, channels, categories
) as table
select *
from memory.main.cohort_referrals(
    first_date, last_date, forces, regions, channels, categories
)
