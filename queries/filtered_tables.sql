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
where cast(r.received_at as date) between first_date and last_date
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
-- in the period that matches the channel and category filters; with the report's attributes.
create or replace macro memory.main.cohort_referrals(
    first_date, last_date, forces, regions, channels, categories
) as table
select
    f.*,
    cast(f.referred_at as date) as referred_date,
    r.received_at,
    cast(r.received_at as date) as received_date,
    r.channel,
    r.categories,
    r.subject_force,
    r.subject_role,
    r.subject_sex,
    r.subject_ethnicity
from live.referrals f
join live.reports r on r.report_id = f.report_id
where cast(r.received_at as date) between first_date and last_date
    and (len(channels) = 0 or list_contains(channels, r.channel::varchar))
    and (
        len(categories) = 0
        or list_has_any(categories, list_transform(r.categories, lambda c: c::varchar))
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

-- referral_outcomes: one row per referral of cohort_referrals, with its case summary (table
-- case_summaries, derived from outcomes at import): the dates of its first investigation
-- finding, first outcome that ends the case (a misconduct-proceedings outcome,
-- no_case_to_answer or false_allegation) and first dismissal (NULL where none yet), and a flag
-- for each outcome it has had (false where none).
create or replace macro memory.main.referral_outcomes(
    first_date, last_date, forces, regions, channels, categories
) as table
select
    i.*,
    d.finding_date,
    d.ended_date,
    d.dismissed_date,
    coalesce(d.has_case_to_answer, false) as has_case_to_answer,
    coalesce(d.has_gross_misconduct, false) as has_gross_misconduct,
    coalesce(d.has_false_allegation, false) as has_false_allegation,
    coalesce(d.has_no_case_to_answer, false) as has_no_case_to_answer,
    coalesce(d.has_proceedings_outcome, false) as has_proceedings_outcome,
    coalesce(d.has_dismissed, false) as has_dismissed,
    coalesce(d.has_would_have_been_dismissed, false) as has_would_have_been_dismissed,
    coalesce(d.has_barred, false) as has_barred,
    coalesce(d.has_charged, false) as has_charged
from memory.main.cohort_referrals(
    first_date, last_date, forces, regions, channels, categories
) i
left join live.case_summaries d on d.referral_id = i.referral_id
