-- Headline counts (docs/metrics.md, "Counts") for reports received in the period, cohort view:
-- the reports, and the referrals and outcomes of those reports so far.
-- One row, one column per count, named as in the published headline.csv, then three counts of
-- investigations for the path of a report on the Overview (not published): with a concluded
-- misconduct-proceedings outcome after a case to answer, removed from policing, and barred.
-- Parameters: $first_date, $last_date, $forces, $regions, $channels, $categories (filters,
-- see filtered_tables.sql), $as_at (the as-at date: referrals pending more than 28 days after
-- referred_at by then are overdue).
with reports as (
    select *
    from filtered_reports(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
-- reports of the period passed to at least one force (any force: a report counts for its
-- subject force, whoever received it)
referred_reports as (
    select distinct report_id
    from cohort_referrals(
        $first_date, $last_date, []::varchar[], []::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
referrals as (
    select *
    from referral_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[]
    )
),
report_counts as (
    select
        count(*) as reports,
        count(*) filter (where channel = 'phone') as reports_phone,
        count(*) filter (where channel = 'online') as reports_online,
        count(*) filter (where anonymous) as anonymous_reports,
        count(*) filter (where d.report_id is not null) as disseminated_reports
    from reports
    left join referred_reports d on d.report_id = reports.report_id
),
referral_counts as (
    select
        count(*) as referrals,
        count(*) filter (where assessment = 'investigation') as investigations,
        count(*) filter (where assessment = 'transferred') as transferred,
        count(*) filter (where assessment = 'investigation' and has_case_to_answer)
            as case_to_answer,
        count(*) filter (where has_false_allegation) as false_allegations,
        count(*) filter (where has_dismissed) as dismissals,
        count(*) filter (where has_would_have_been_dismissed) as would_have_been_dismissed,
        count(*) filter (where has_dismissed or has_would_have_been_dismissed)
            as removed_from_policing,
        count(*) filter (where has_barred) as barred,
        count(*) filter (where has_charged) as criminal_charges,
        count(*) filter (where assessment = 'investigation' and ended_date is null)
            as open_cases,
        count(*) filter (where assessment = 'pending') as awaiting_force_decision,
        count(*) filter (where assessment = 'pending' and $as_at - referred_date > 28)
            as awaiting_force_decision_overdue,
        count(*) filter (
            where assessment = 'investigation' and has_case_to_answer and has_proceedings_outcome
        ) as investigations_concluded,
        count(*) filter (
            where assessment = 'investigation'
                and (has_dismissed or has_would_have_been_dismissed)
        ) as investigations_removed,
        count(*) filter (where assessment = 'investigation' and has_barred)
            as investigations_barred
    from referrals
)
select * from report_counts, referral_counts
