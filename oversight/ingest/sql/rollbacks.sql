-- Revisions that would roll stored data back (docs/data-contract.md, "Rollbacks"), as temp table
-- rollbacks: one row per stored row and column an extract would take back. An older extract
-- imported after a newer one does this silently, so such a revision is refused unless the
-- import is run with --accept-rollback, and is then recorded in revisions.rollback.
-- Rows are only ever added or replaced by id, never deleted (an extract without a stored row
-- leaves it stored): "removing" an outcome can only be a revised outcome row that moves it to
-- another referral, whose case then loses it. A new code or date for the same referral is a
-- correction of the decision, recorded as a revision like any other.
-- Parameters: $referrals_file, $outcomes_file (names used in the problems).
create or replace temp table rollbacks as
with
referral_pairs as (
    select n.t_referral_id as row_id, n._line as line, n.assessment as assessment_text,
           n.t_assessment::varchar as assessment, s.assessment::varchar as stored_assessment,
           n.t_assessed_at as assessed_at, s.assessed_at as stored_assessed_at
    from typed_referrals n
    join old.referrals s on s.referral_id = n.t_referral_id
),
outcome_pairs as (
    select n.t_outcome_id as row_id, n._line as line, n.referral_id as referral_text,
           n.t_referral_id as referral_id, s.referral_id as stored_referral_id,
           s.outcome::varchar as stored_outcome
    from typed_outcomes n
    join old.outcomes s on s.outcome_id = n.t_outcome_id
)
select 'referrals' as table_name, row_id, $referrals_file as file, line,
       'assessment' as column_name, assessment_text as value,
       'moves referral ' || row_id || ' back to pending (stored: ' || stored_assessment || ')'
           as rollback
from referral_pairs
where assessment = 'pending' and stored_assessment <> 'pending'
union all
select 'referrals', row_id, $referrals_file, line, 'assessed_at', null,
       'blanks the stored assessed_at date of referral ' || row_id || ' ('
           || strftime(stored_assessed_at, '%Y-%m-%d') || ')'
from referral_pairs
where assessed_at is null and stored_assessed_at is not null
union all
select 'outcomes', row_id, $outcomes_file, line, 'referral_id', referral_text,
       'removes outcome ' || row_id || ' (' || stored_outcome || ') from referral '
           || stored_referral_id
from outcome_pairs
where referral_id <> stored_referral_id;
