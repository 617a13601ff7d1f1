-- Outcomes decided in the period by receiving force, the event view (docs/metrics.md,
-- "Outcomes decided in the period"): the referrals each force received whose first outcome of
-- each kind was decided in the period (decided_outcomes, filtered_tables.sql), whenever the
-- report was received. Additive over forces: the forces' rows add up to outcomes_decided.sql.
-- One row per force of the reference that matches the force and region filters (zeros
-- included; no 'unknown' row: every referral goes to a named force), in the reference's name
-- order:
--   force_code, force_name, short_name, region_name
--   case_to_answer, false_allegations, dismissals, would_have_been_dismissed, barred,
--   criminal_charges   referrals counted in each measure (each once per measure)
-- Parameters: the filters ($first_date, $last_date: decided_at dates, both inclusive;
-- $forces (receiving forces) ... $subject_roles, see filtered_tables.sql).
with decided as (
    select force::varchar as force_code, measure
    from decided_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
),
counts as (
    select
        force_code,
        count(*) filter (where measure = 'case_to_answer') as case_to_answer,
        count(*) filter (where measure = 'false_allegations') as false_allegations,
        count(*) filter (where measure = 'dismissals') as dismissals,
        count(*) filter (where measure = 'would_have_been_dismissed')
            as would_have_been_dismissed,
        count(*) filter (where measure = 'barred') as barred,
        count(*) filter (where measure = 'criminal_charges') as criminal_charges
    from decided
    group by force_code
)
select
    f.force_code,
    f.force_name,
    f.short_name,
    f.region_name,
    coalesce(c.case_to_answer, 0) as case_to_answer,
    coalesce(c.false_allegations, 0) as false_allegations,
    coalesce(c.dismissals, 0) as dismissals,
    coalesce(c.would_have_been_dismissed, 0) as would_have_been_dismissed,
    coalesce(c.barred, 0) as barred,
    coalesce(c.criminal_charges, 0) as criminal_charges
from force_rows($forces::varchar[], $regions::varchar[]) f
left join counts c on c.force_code = f.force_code
where f.sort_group = 0
order by f.short_name
