-- Counts at each stage by force, cohort view (docs/metrics.md, "Counts" and "Force"), as
-- counts_by_force (filtered_tables.sql) defines them: the reports received in the period by the
-- force the reported person works for (subject_force), and the referrals of those reports, with
-- their outcomes so far, by the force that received them. Counts are additive over forces, so a
-- region's or a nation's figures are the sum of its forces' rows.
-- One row per force of the reference that matches the force and region filters (zeros
-- included), in the reference's name order, then one row 'unknown' ("Force not known") when no
-- force or region is chosen:
--   force_code, force_name, short_name, force_type, nation, region_name, officer_fte (NULL
--     where the force has no officer figure), officer_fte_date
--   reports, reports_phone, reports_online, disseminated_reports (reports naming the force
--     with at least one referral, to any force)
--   referrals (received by the force), investigations, transferred, referrals_not_transferred,
--   investigations_with_finding (investigations with a finding so far), case_to_answer,
--   dismissals, would_have_been_dismissed, open_cases
-- Parameters: the filters ($first_date ... $subject_roles, see filtered_tables.sql).
select
    force_code,
    force_name,
    short_name,
    force_type,
    nation,
    region_name,
    officer_fte,
    officer_fte_date,
    reports,
    reports_phone,
    reports_online,
    disseminated_reports,
    referrals,
    investigations,
    transferred,
    referrals_not_transferred,
    investigations_with_finding,
    case_to_answer,
    dismissals,
    would_have_been_dismissed,
    open_cases
from counts_by_force(
    $first_date, $last_date, $forces::varchar[], $regions::varchar[],
    $channels::varchar[], $categories::varchar[], $subject_roles::varchar[],
    null::date, null::integer
)
order by sort_group, short_name
