-- The definitions every dashboard, snapshot and command-line query reads, written once: the
-- filters (period, force, region, channel, category, subject role), every count of
-- docs/metrics.md and every time. Macros created in the connection's in-memory catalog (memory)
-- when the database is opened; they read catalog live. A query counts rows where a flag below
-- is true, and never restates what the flag means.
-- Arguments (bound as parameters by the calling query):
--   first_date, last_date  received_at dates, both inclusive (cohort view: referrals and
--                          outcomes count against the period of the report they came from);
--                          in decided_outcomes (event view), decided_at dates instead
--   forces, regions        varchar[]; empty = all. A report counts for its subject_force, a
--                          referral for its receiving force (both must match when both given)
--   channels, categories   varchar[]; empty = all; a report matches a category it carries
--   subject_roles          varchar[]; empty = all: the role of the person reported
--                          (subject_role: officer, staff, volunteer, unknown), not a dashboard
--                          user's role
--   as_at                  the as-at date (open cases and waits are measured up to it)
--   overdue_days           oversight.constants.OVERDUE_DAYS, bound by oversight.db.run_query
--   long_overdue_days      oversight.constants.LONG_OVERDUE_DAYS (2 x overdue_days), bound alike

-- force_selected: whether a force matches the force and region filters. Nothing chosen
-- matches every force, and 'unknown' (a report's force not known); once a force or region is
-- chosen, 'unknown' matches nothing.
create or replace macro memory.main.force_selected(force_code, forces, regions) as
    (len(forces) = 0 and len(regions) = 0)
    or force_code in (
        select f.force_code::varchar
        from live.forces f
        where (len(forces) = 0 or list_contains(forces, f.force_code::varchar))
            and (len(regions) = 0 or list_contains(regions, f.region_name))
    );

-- report_selected: whether a report (its received_at, channel, categories and subject_role)
-- matches the period (received_at dates, both inclusive) and the channel, category and subject
-- role filters (empty = all; a report matches a category it carries).
create or replace macro memory.main.report_selected(
    received_at, channel, report_categories, subject_role,
    first_date, last_date, channels, categories, subject_roles
) as
    received_at >= cast(first_date as timestamp)
    and received_at < cast(last_date as timestamp) + interval 1 day
    and (len(channels) = 0 or list_contains(channels, channel::varchar))
    and (
        len(categories) = 0
        or list_has_any(categories, list_transform(report_categories, lambda c: c::varchar))
    )
    and (len(subject_roles) = 0 or list_contains(subject_roles, subject_role::varchar));

-- force_rows: the rows of a table by force: every force of the reference matching the filters,
-- then 'unknown' ("Force not known") when no force or region is chosen; sort_group, short_name
-- give the published order.
create or replace macro memory.main.force_rows(forces, regions) as table
select
    f.force_code::varchar as force_code,
    f.force_name,
    f.short_name,
    f.force_type,
    f.nation,
    f.region_name,
    f.officer_fte::double as officer_fte,
    f.officer_fte_date,
    0 as sort_group
from live.forces f
where memory.main.force_selected(f.force_code::varchar, forces, regions)
union all
select
    'unknown', 'Force not known', 'Force not known', null::varchar, null::varchar,
    null::varchar, null::double, null::date, 1
where len(forces) = 0 and len(regions) = 0;

-- filtered_reports: one row per report received in the period that matches the filters,
-- with received_date.
create or replace macro memory.main.filtered_reports(
    first_date, last_date, forces, regions, channels, categories, subject_roles
) as table
select r.*, cast(r.received_at as date) as received_date
from live.reports r
where memory.main.report_selected(
        r.received_at, r.channel, r.categories, r.subject_role,
        first_date, last_date, channels, categories, subject_roles
    )
    and memory.main.force_selected(r.subject_force::varchar, forces, regions);

-- disseminated_reports: one row per report of the period (channel, category and subject role
-- filters) passed to at least one force, any force, with its subject force: a report counts for
-- its subject force, whoever received it.
create or replace macro memory.main.disseminated_reports(
    first_date, last_date, channels, categories, subject_roles
) as table
select distinct report_id, subject_force::varchar as subject_force
from live.referral_facts f
where memory.main.report_selected(
        f.received_at, f.channel, f.categories, f.subject_role,
        first_date, last_date, channels, categories, subject_roles
    );

-- cohort_referrals: one row per referral, received by a matching force, of a report received
-- in the period that matches the channel, category and subject role filters; with the report's
-- attributes and the case summary (both from table referral_facts, derived at import): the
-- dates of the first investigation finding, the first outcome that ends the case (a
-- misconduct-proceedings outcome, no_case_to_answer or false_allegation) and the first outcome
-- of each kind counted (NULL where none yet), and then the measures of docs/metrics.md
-- ("Counts" and "Times"), each defined here and nowhere else. The
-- outcomes of the misconduct route count on investigations only (the data contract accepts
-- them on no other referral), so that no rate over investigations can pass 100%.
create or replace macro memory.main.cohort_referrals(
    first_date, last_date, forces, regions, channels, categories, subject_roles
) as table
select
    f.*,
    cast(f.referred_at as date) as referred_date,
    cast(f.received_at as date) as received_date,
    f.assessment = 'investigation' as is_investigation,
    f.assessment = 'transferred' as is_transferred,
    f.assessment = 'pending' as is_pending,
    is_investigation and f.finding_date is not null as is_investigation_with_finding,
    is_investigation and f.case_to_answer_date is not null as is_case_to_answer,
    is_investigation and f.false_allegation_date is not null as is_false_allegation,
    is_investigation and f.dismissed_date is not null as is_dismissal,
    is_investigation and f.would_have_been_dismissed_date is not null
        as is_would_have_been_dismissed,
    is_dismissal or is_would_have_been_dismissed as is_removed_from_policing,
    f.barred_date is not null as is_barred,
    f.charged_date is not null as is_criminal_charge,
    is_investigation and f.ended_date is null as is_open_case,
    is_case_to_answer and f.has_proceedings_outcome as is_concluded_after_case_to_answer,
    -- times in whole days between calendar dates; NULL where the case has no such time
    referred_date - received_date as days_to_dissemination,
    case when is_investigation_with_finding then f.finding_date - referred_date end
        as days_to_finding,
    case when is_dismissal then f.dismissed_date - received_date end as days_to_dismissal
from live.referral_facts f
where memory.main.report_selected(
        f.received_at, f.channel, f.categories, f.subject_role,
        first_date, last_date, channels, categories, subject_roles
    )
    and memory.main.force_selected(f.force::varchar, forces, regions);

-- decided_measures: the measures of the event view in their published order (measure_order,
-- measure), one row each, so a query can list every one, zeros included.
create or replace macro memory.main.decided_measures() as table
select *
from (
    values
        (1, 'case_to_answer'), (2, 'false_allegations'), (3, 'dismissals'),
        (4, 'would_have_been_dismissed'), (5, 'barred'), (6, 'criminal_charges')
) measures (measure_order, measure);

-- decided_outcomes: the event view (docs/metrics.md, "Outcomes decided in the period"): one
-- row per referral and outcome counted, for the outcomes decided in the period (decided_at dates
-- first_date to last_date, both inclusive), whenever the report was received. A referral counts
-- in a measure as cohort_referrals counts it (its flag: dismissals of investigations only, ...),
-- over every report that matches the force (receiving force), region, channel, category and
-- role filters, and in the period holding the decided_at of its first outcome of that kind, so
-- once per measure and in one period only. Columns: referral_id, report_id, force,
-- received_date, measure_order and measure (case_to_answer, false_allegations, dismissals,
-- would_have_been_dismissed, barred, criminal_charges: the names of headline_counts),
-- decided_date, days_from_report (whole days from the report's received date).
create or replace macro memory.main.decided_outcomes(
    first_date, last_date, forces, regions, channels, categories, subject_roles
) as table
with counted as (
    select
        referral_id,
        report_id,
        force,
        received_date,
        case when is_case_to_answer then case_to_answer_date end as case_to_answer,
        case when is_false_allegation then false_allegation_date end as false_allegations,
        case when is_dismissal then dismissed_date end as dismissals,
        case when is_would_have_been_dismissed then would_have_been_dismissed_date end
            as would_have_been_dismissed,
        case when is_barred then barred_date end as barred,
        case when is_criminal_charge then charged_date end as criminal_charges
    from memory.main.cohort_referrals(
        '-infinity'::date, 'infinity'::date, forces, regions, channels, categories,
        subject_roles
    )
),
decided as (
    -- one row per measure column of counted that holds a date (unpivot drops the NULLs)
    unpivot counted
    on columns(* exclude (referral_id, report_id, force, received_date))
    into name measure value decided_date
)
select
    d.referral_id,
    d.report_id,
    d.force,
    d.received_date,
    m.measure_order,
    d.measure,
    d.decided_date,
    d.decided_date - d.received_date as days_from_report
from decided d
join memory.main.decided_measures() m on m.measure = d.measure
where d.decided_date between cast(first_date as date) and cast(last_date as date);

-- days_to_outcome: per investigation, whole days from the report's received date to the first
-- outcome that ends the case, or to the as-at date while it is open (censored: ended_date NULL).
create or replace macro memory.main.days_to_outcome(ended_date, received_date, as_at) as
    coalesce(ended_date, cast(as_at as date)) - received_date;

-- days_waiting: per referral, whole days from referral to the as-at date.
create or replace macro memory.main.days_waiting(referred_date, as_at) as
    cast(as_at as date) - referred_date;

-- is_overdue: whether a referral made on referred_date has waited more than overdue_days at
-- the as-at date (with long_overdue_days in place of overdue_days: long overdue).
create or replace macro memory.main.is_overdue(referred_date, as_at, overdue_days) as
    memory.main.days_waiting(referred_date, as_at) > overdue_days;

-- waiting_bands: the age bands of a referral awaiting a decision (docs/metrics.md, "Overdue
-- now"), one row each, in order: age_band_order, age_band (its label), and the is_overdue and
-- is_long_overdue of the referrals in it (a band is named by those two flags).
create or replace macro memory.main.waiting_bands(overdue_days, long_overdue_days) as table
select *
from (
    values
        (1, 'up to ' || overdue_days || ' days', false, false),
        (2, (overdue_days + 1) || '–' || long_overdue_days || ' days', true, false),
        (3, 'over ' || long_overdue_days || ' days', true, true)
) bands (age_band_order, age_band, is_overdue, is_long_overdue);

-- awaiting_now: one row per referral awaiting the receiving force's decision (is_pending of
-- cohort_referrals) at the as-at date, whatever the report period: the referrals of every
-- report received up to the as-at date (every stored report: the as-at date is the latest
-- date stored) that match the force, region, channel, category and role filters. With the columns
-- of cohort_referrals, then days_waiting, is_overdue (more than overdue_days),
-- is_long_overdue (more than long_overdue_days), age_band_order and age_band (waiting_bands).
create or replace macro memory.main.awaiting_now(
    forces, regions, channels, categories, subject_roles, as_at, overdue_days, long_overdue_days
) as table
with awaiting as (
    select
        c.*,
        memory.main.days_waiting(c.referred_date, as_at) as days_waiting,
        memory.main.is_overdue(c.referred_date, as_at, overdue_days) as is_overdue,
        memory.main.is_overdue(c.referred_date, as_at, long_overdue_days) as is_long_overdue
    from memory.main.cohort_referrals(
        '-infinity'::date, cast(as_at as date), forces, regions, channels, categories,
        subject_roles
    ) c
    where c.is_pending
)
select a.*, b.age_band_order, b.age_band
from awaiting a
join memory.main.waiting_bands(overdue_days, long_overdue_days) b
    on b.is_overdue = a.is_overdue and b.is_long_overdue = a.is_long_overdue;

-- counts_by_force: every count of docs/metrics.md ("Counts") by force, cohort view: the
-- reports received in the period by the force the reported person works for (subject_force),
-- and the referrals of those reports, with their outcomes so far, by the force that received
-- them. Additive over forces: a region's, a nation's and the headline figures are sums of rows.
-- One row per row of force_rows (zeros included), with its columns, then:
--   reports, reports_phone, reports_online, anonymous_reports, disseminated_reports
--   referrals, investigations, transferred, referrals_not_transferred (the base of the
--   investigation rate), investigations_with_finding, case_to_answer,
--   false_allegations, dismissals, would_have_been_dismissed, removed_from_policing, barred,
--   criminal_charges, open_cases, awaiting_force_decision, awaiting_force_decision_overdue
--   (pending more than overdue_days at as_at; 0 where as_at is NULL), and for the path of a
--   report on the Overview: investigations_concluded (case to answer, proceedings concluded),
--   investigations_removed (removed from policing), investigations_barred.
create or replace macro memory.main.counts_by_force(
    first_date, last_date, forces, regions, channels, categories, subject_roles, as_at,
    overdue_days
) as table
-- (grouped on the enum columns, cast to text once per group rather than once per row)
with report_counts as (
    select
        subject_force::varchar as force_code,
        count(*) as reports,
        count(*) filter (where channel = 'phone') as reports_phone,
        count(*) filter (where channel = 'online') as reports_online,
        count(*) filter (where anonymous) as anonymous_reports
    from memory.main.filtered_reports(
        first_date, last_date, forces, regions, channels, categories, subject_roles
    )
    group by subject_force
),
-- counted from the referrals alone: far fewer rows than joining every report of the period
disseminated_counts as (
    select subject_force as force_code, count(*) as disseminated_reports
    from memory.main.disseminated_reports(
        first_date, last_date, channels, categories, subject_roles
    )
    where memory.main.force_selected(subject_force, forces, regions)
    group by subject_force
),
referral_counts as (
    select
        force::varchar as force_code,
        count(*) as referrals,
        count(*) filter (where is_investigation) as investigations,
        count(*) filter (where is_transferred) as transferred,
        count(*) filter (where not is_transferred) as referrals_not_transferred,
        count(*) filter (where is_investigation_with_finding) as investigations_with_finding,
        count(*) filter (where is_case_to_answer) as case_to_answer,
        count(*) filter (where is_false_allegation) as false_allegations,
        count(*) filter (where is_dismissal) as dismissals,
        count(*) filter (where is_would_have_been_dismissed) as would_have_been_dismissed,
        count(*) filter (where is_removed_from_policing) as removed_from_policing,
        count(*) filter (where is_barred) as barred,
        count(*) filter (where is_criminal_charge) as criminal_charges,
        count(*) filter (where is_open_case) as open_cases,
        count(*) filter (where is_pending) as awaiting_force_decision,
        count(*) filter (
            where is_pending and memory.main.is_overdue(referred_date, as_at, overdue_days)
        ) as awaiting_force_decision_overdue,
        count(*) filter (where is_concluded_after_case_to_answer) as investigations_concluded,
        count(*) filter (where is_investigation and is_removed_from_policing)
            as investigations_removed,
        count(*) filter (where is_investigation and is_barred) as investigations_barred
    from memory.main.cohort_referrals(
        first_date, last_date, forces, regions, channels, categories, subject_roles
    )
    group by force
)
select
    f.*,
    coalesce(r.reports, 0) as reports,
    coalesce(r.reports_phone, 0) as reports_phone,
    coalesce(r.reports_online, 0) as reports_online,
    coalesce(r.anonymous_reports, 0) as anonymous_reports,
    coalesce(d.disseminated_reports, 0) as disseminated_reports,
    coalesce(c.referrals, 0) as referrals,
    coalesce(c.investigations, 0) as investigations,
    coalesce(c.transferred, 0) as transferred,
    coalesce(c.referrals_not_transferred, 0) as referrals_not_transferred,
    coalesce(c.investigations_with_finding, 0) as investigations_with_finding,
    coalesce(c.case_to_answer, 0) as case_to_answer,
    coalesce(c.false_allegations, 0) as false_allegations,
    coalesce(c.dismissals, 0) as dismissals,
    coalesce(c.would_have_been_dismissed, 0) as would_have_been_dismissed,
    coalesce(c.removed_from_policing, 0) as removed_from_policing,
    coalesce(c.barred, 0) as barred,
    coalesce(c.criminal_charges, 0) as criminal_charges,
    coalesce(c.open_cases, 0) as open_cases,
    coalesce(c.awaiting_force_decision, 0) as awaiting_force_decision,
    coalesce(c.awaiting_force_decision_overdue, 0) as awaiting_force_decision_overdue,
    coalesce(c.investigations_concluded, 0) as investigations_concluded,
    coalesce(c.investigations_removed, 0) as investigations_removed,
    coalesce(c.investigations_barred, 0) as investigations_barred
from memory.main.force_rows(forces, regions) f
left join report_counts r on r.force_code = f.force_code
left join disseminated_counts d on d.force_code = f.force_code
left join referral_counts c on c.force_code = f.force_code;

-- headline_counts: the sums of counts_by_force over its rows (the headline figures for the
-- selection): one row with every count column of counts_by_force.
create or replace macro memory.main.headline_counts(
    first_date, last_date, forces, regions, channels, categories, subject_roles, as_at,
    overdue_days
) as table
select
    sum(reports)::bigint as reports,
    sum(reports_phone)::bigint as reports_phone,
    sum(reports_online)::bigint as reports_online,
    sum(anonymous_reports)::bigint as anonymous_reports,
    sum(disseminated_reports)::bigint as disseminated_reports,
    sum(referrals)::bigint as referrals,
    sum(investigations)::bigint as investigations,
    sum(transferred)::bigint as transferred,
    sum(referrals_not_transferred)::bigint as referrals_not_transferred,
    sum(investigations_with_finding)::bigint as investigations_with_finding,
    sum(case_to_answer)::bigint as case_to_answer,
    sum(false_allegations)::bigint as false_allegations,
    sum(dismissals)::bigint as dismissals,
    sum(would_have_been_dismissed)::bigint as would_have_been_dismissed,
    sum(removed_from_policing)::bigint as removed_from_policing,
    sum(barred)::bigint as barred,
    sum(criminal_charges)::bigint as criminal_charges,
    sum(open_cases)::bigint as open_cases,
    sum(awaiting_force_decision)::bigint as awaiting_force_decision,
    sum(awaiting_force_decision_overdue)::bigint as awaiting_force_decision_overdue,
    sum(investigations_concluded)::bigint as investigations_concluded,
    sum(investigations_removed)::bigint as investigations_removed,
    sum(investigations_barred)::bigint as investigations_barred
from memory.main.counts_by_force(
    first_date, last_date, forces, regions, channels, categories, subject_roles, as_at,
    overdue_days
);
