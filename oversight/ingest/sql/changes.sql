-- What an accepted extract would change, before anything is written: one temp table
-- change_<table> per table, from the stored version (catalog old) and the typed rows of the
-- extract (temp views typed_<table>). An import that would change nothing, and a dry run, stop
-- after this file and rollbacks.sql; merge.sql then writes the new database from them.
-- Statements are separated by semicolons at line ends and run in order. No parameters.

-- change_<table>: one row per id of the extract that is already stored, unchanged or revised
-- (an id not in it is added), with the stored and new values of a revised row as JSON.
create temp table change_reports as
with stored as (
    select *, list_transform(categories, lambda c: c::varchar) as category_codes
    from old.reports
),
extract as (
    select *, list_transform(list_sort(t_categories), lambda c: c::varchar) as category_codes
    from typed_reports
    semi join old.reports s on s.report_id = typed_reports.t_report_id
),
compared as (
    select
        n.t_report_id as row_id,
        s.received_at = n.t_received_at
            and s.channel::varchar = n.t_channel::varchar
            and s.category_codes = n.category_codes
            and s.subject_force::varchar = n.t_subject_force::varchar
            and s.subject_role::varchar = n.t_subject_role::varchar
            and s.anonymous = n.t_anonymous
            and s.duty_status::varchar = n.t_duty_status::varchar
            and s.setting::varchar = n.t_setting::varchar
            and s.subject_sex::varchar = n.t_subject_sex::varchar
            and s.subject_ethnicity::varchar = n.t_subject_ethnicity::varchar as same,
        to_json(struct_pack(
            received_at := s.received_at, channel := s.channel::varchar,
            categories := s.category_codes, subject_force := s.subject_force::varchar,
            subject_role := s.subject_role::varchar, anonymous := s.anonymous,
            duty_status := s.duty_status::varchar, setting := s.setting::varchar,
            subject_sex := s.subject_sex::varchar,
            subject_ethnicity := s.subject_ethnicity::varchar
        )) as previous_values,
        to_json(struct_pack(
            received_at := n.t_received_at, channel := n.t_channel::varchar,
            categories := n.category_codes,
            subject_force := n.t_subject_force::varchar,
            subject_role := n.t_subject_role::varchar,
            anonymous := n.t_anonymous, duty_status := n.t_duty_status::varchar,
            setting := n.t_setting::varchar, subject_sex := n.t_subject_sex::varchar,
            subject_ethnicity := n.t_subject_ethnicity::varchar
        )) as revised_values
    from extract n
    join stored s on s.report_id = n.t_report_id
)
select
    row_id,
    case when same then 'unchanged' else 'revised' end as change,
    previous_values,
    revised_values
from compared;

create temp table change_referrals as
select
    n.t_referral_id as row_id,
    case
        when s.report_id = n.t_report_id
            and s.force::varchar = n.t_force::varchar
            and s.referred_at = n.t_referred_at
            and s.assessment::varchar = n.t_assessment::varchar
            and s.assessed_at is not distinct from n.t_assessed_at
            then 'unchanged'
        else 'revised'
    end as change,
    to_json(struct_pack(
        report_id := s.report_id, force := s.force::varchar, referred_at := s.referred_at,
        assessment := s.assessment::varchar, assessed_at := s.assessed_at
    )) as previous_values,
    to_json(struct_pack(
        report_id := n.t_report_id, force := n.t_force::varchar, referred_at := n.t_referred_at,
        assessment := n.t_assessment::varchar, assessed_at := n.t_assessed_at
    )) as revised_values
from typed_referrals n
join old.referrals s on s.referral_id = n.t_referral_id;

create temp table change_outcomes as
select
    n.t_outcome_id as row_id,
    case
        when s.referral_id = n.t_referral_id
            and s.outcome::varchar = n.t_outcome::varchar
            and s.decided_at = n.t_decided_at
            then 'unchanged'
        else 'revised'
    end as change,
    to_json(struct_pack(
        referral_id := s.referral_id, outcome := s.outcome::varchar, decided_at := s.decided_at
    )) as previous_values,
    to_json(struct_pack(
        referral_id := n.t_referral_id, outcome := n.t_outcome::varchar,
        decided_at := n.t_decided_at
    )) as revised_values
from typed_outcomes n
join old.outcomes s on s.outcome_id = n.t_outcome_id;
