-- The counts behind the investigation and case-to-answer rates (docs/metrics.md, "Rates"), by
-- the force that received the referral and the month its report was received, cohort view: of
-- the reports received in each month, what has happened to their referrals so far. The flags
-- are those of cohort_referrals (filtered_tables.sql), where each count is defined; the counts
-- add up over forces and months to those of stage_counts_by_force, for a force's trend beside
-- the sum over its peers or nation. Months with no referral are absent.
-- One row per force per month with at least one referral: force_code, month_start (date),
-- referrals_not_transferred, investigations, investigations_with_finding, case_to_answer,
-- investigations_ended (investigations with an outcome that ends the case: not open cases).
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
with referrals as (
    select
        force::varchar as force_code,
        cast(date_trunc('month', received_date) as date) as month_start,
        is_transferred,
        is_investigation,
        is_investigation_with_finding,
        is_case_to_answer,
        is_open_case
    from cohort_referrals(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
)
select
    force_code,
    month_start,
    count(*) filter (where not is_transferred) as referrals_not_transferred,
    count(*) filter (where is_investigation) as investigations,
    count(*) filter (where is_investigation_with_finding) as investigations_with_finding,
    count(*) filter (where is_case_to_answer) as case_to_answer,
    count(*) filter (where is_investigation and not is_open_case) as investigations_ended
from referrals
group by all
order by force_code, month_start
