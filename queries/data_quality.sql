-- Data-quality notes over all stored data: counts a reader of the figures should know.
-- One row per note: note, count. No parameters.
select 'Reports whose subject force is not known' as note, count(*) as count
from reports where subject_force = 'unknown'
union all
select 'Reports with the subject''s sex not stated', count(*)
from reports where subject_sex = 'not_stated'
union all
select 'Reports with the subject''s ethnicity not stated', count(*)
from reports where subject_ethnicity = 'not_stated'
union all
select 'Reports with the role of the person reported unknown', count(*)
from reports where subject_role = 'unknown'
union all
select 'Referrals still awaiting the force''s decision (pending)', count(*)
from referrals where assessment = 'pending'
union all
select 'Rows replaced by a later extract (revisions)', count(*) from revisions
