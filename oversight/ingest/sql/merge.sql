-- Writing an accepted extract into the new database (the default catalog), from the stored
-- version (catalog old) and the typed rows of the extract (temp tables typed_<table>).
-- A row whose id is new is added; one whose id is stored and whose values differ replaces the
-- stored row and is recorded in revisions; one identical to the stored row changes nothing.
-- Statements are separated by semicolons at line ends and run in order, in one transaction.
-- Parameters (each statement is given those it names): $import_id, $imported_at, $source,
-- $synthetic, $software_version.

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

insert into imports select * from old.imports;

insert into imports values ($import_id, $imported_at, $source, $synthetic, $software_version);

insert into import_files select * from old.import_files;

insert into revisions select * from old.revisions;

insert into reports
select
    report_id, received_at, channel::varchar, category_codes, subject_force::varchar,
    subject_role::varchar, anonymous, duty_status::varchar, setting::varchar,
    subject_sex::varchar, subject_ethnicity::varchar, import_id
from (
    select *, list_transform(categories, lambda c: c::varchar) as category_codes
    from old.reports
)
where report_id not in (select row_id from change_reports where change = 'revised')
union all
select
    n.t_report_id, n.t_received_at, n.t_channel, list_sort(n.t_categories), n.t_subject_force,
    n.t_subject_role, n.t_anonymous, n.t_duty_status, n.t_setting, n.t_subject_sex,
    n.t_subject_ethnicity, $import_id
from typed_reports n
where n.t_report_id not in (select row_id from change_reports where change = 'unchanged');

insert into referrals
select
    referral_id, report_id, force::varchar, referred_at, assessment::varchar, assessed_at,
    import_id
from old.referrals
where referral_id not in (select row_id from change_referrals where change = 'revised')
union all
select
    n.t_referral_id, n.t_report_id, n.t_force, n.t_referred_at, n.t_assessment,
    n.t_assessed_at, $import_id
from typed_referrals n
where n.t_referral_id not in (select row_id from change_referrals where change = 'unchanged');

insert into outcomes
select outcome_id, referral_id, outcome::varchar, decided_at, import_id
from old.outcomes
where outcome_id not in (select row_id from change_outcomes where change = 'revised')
union all
select n.t_outcome_id, n.t_referral_id, n.t_outcome, n.t_decided_at, $import_id
from typed_outcomes n
where n.t_outcome_id not in (select row_id from change_outcomes where change = 'unchanged');

insert into revisions
select $import_id, 'reports', row_id, previous_values, revised_values
from change_reports where change = 'revised'
union all
select $import_id, 'referrals', row_id, previous_values, revised_values
from change_referrals where change = 'revised'
union all
select $import_id, 'outcomes', row_id, previous_values, revised_values
from change_outcomes where change = 'revised';

-- Derived: every referral with its report's attributes and its case summary, in report time
-- order (table referral_facts).
insert into referral_facts
with summaries as (
    select
        referral_id,
        min(decided_at) filter (where outcome in (
            'no_case_to_answer', 'false_allegation', 'case_to_answer_misconduct',
            'case_to_answer_gross_misconduct'
        )) as finding_date,
        min(decided_at) filter (where outcome in (
            'no_case_to_answer', 'false_allegation', 'no_further_action', 'reflective_practice',
            'management_advice', 'written_warning', 'final_written_warning',
            'reduction_in_rank', 'dismissed', 'would_have_been_dismissed'
        )) as ended_date,
        min(decided_at) filter (where outcome = 'dismissed') as dismissed_date,
        bool_or(outcome in ('case_to_answer_misconduct', 'case_to_answer_gross_misconduct'))
            as has_case_to_answer,
        bool_or(outcome = 'case_to_answer_gross_misconduct') as has_gross_misconduct,
        bool_or(outcome = 'false_allegation') as has_false_allegation,
        bool_or(outcome = 'no_case_to_answer') as has_no_case_to_answer,
        bool_or(outcome in (
            'no_further_action', 'reflective_practice', 'management_advice', 'written_warning',
            'final_written_warning', 'reduction_in_rank', 'dismissed',
            'would_have_been_dismissed'
        )) as has_proceedings_outcome,
        bool_or(outcome = 'dismissed') as has_dismissed,
        bool_or(outcome = 'would_have_been_dismissed') as has_would_have_been_dismissed,
        bool_or(outcome = 'barred') as has_barred,
        bool_or(outcome = 'charged') as has_charged
    from outcomes
    group by referral_id
)
select
    f.referral_id, f.report_id, f.force, f.referred_at, f.assessment, f.assessed_at,
    r.received_at, r.channel, r.categories, r.subject_force, r.subject_role, r.subject_sex,
    r.subject_ethnicity,
    s.finding_date, s.ended_date, s.dismissed_date,
    coalesce(s.has_case_to_answer, false),
    coalesce(s.has_gross_misconduct, false),
    coalesce(s.has_false_allegation, false),
    coalesce(s.has_no_case_to_answer, false),
    coalesce(s.has_proceedings_outcome, false),
    coalesce(s.has_dismissed, false),
    coalesce(s.has_would_have_been_dismissed, false),
    coalesce(s.has_barred, false),
    coalesce(s.has_charged, false)
from referrals f
join reports r on r.report_id = f.report_id
left join summaries s on s.referral_id = f.referral_id
order by r.received_at
