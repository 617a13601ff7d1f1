-- Headline counts (docs/metrics.md, "Counts") for reports received in the period, cohort view:
-- the reports, and the referrals and outcomes of those reports so far: the macro
-- headline_counts of filtered_tables.sql, the sums of counts_by_force where each is defined.
-- One row, one column per count, named as in the published headline.csv, then three counts of
-- investigations for the path of a report on the Overview (not published): with a concluded
-- misconduct-proceedings outcome after a case to answer, removed from policing, and barred.
-- Parameters: $first_date, $last_date, $forces, $regions, $channels, $categories,
-- $subject_roles (filters, see filtered_tables.sql), $as_at (the as-at date: referrals pending
-- more than $overdue_days after referred_at by then are overdue), $overdue_days.
select *
from headline_counts(
    $first_date, $last_date, $forces::varchar[], $regions::varchar[],
    $channels::varchar[], $categories::varchar[], $subject_roles::varchar[],
    $as_at, $overdue_days
)
