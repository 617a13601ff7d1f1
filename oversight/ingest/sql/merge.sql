-- Writing an accepted extract into the new database (the default catalog), from the stored
-- version (catalog old), the typed rows of the extract (temp tables typed_<table>) and what
-- changes.sql and rollbacks.sql found (temp tables change_<table>, rollbacks).
-- A row whose id is new is added; one whose id is stored and whose values differ replaces the
-- stored row and is recorded in revisions (with what it rolls back, where it was accepted with
-- --accept-rollback); one identical to the stored row changes nothing.
-- Statements are separated by semicolons at line ends and run in order, in one transaction.
-- Parameters (each statement is given those it names): $import_id, $imported_at, $source,
-- $synthetic, $software_version.

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
with revised as (
    select 'reports' as table_name, row_id, previous_values, revised_values
    from change_reports where change = 'revised'
    union all
    select 'referrals', row_id, previous_values, revised_values
    from change_referrals where change = 'revised'
    union all
    select 'outcomes', row_id, previous_values, revised_values
    from change_outcomes where change = 'revised'
),
rolled_back as (
    select table_name, row_id, string_agg(rollback, '; ' order by column_name) as rollback
    from rollbacks
    group by table_name, row_id
)
select $import_id, v.table_name, v.row_id, v.previous_values, v.revised_values, r.rollback
from revised v
left join rolled_back r using (table_name, row_id);

-- Derived: every referral with its report's attributes and its case summary, in report time
-- order (table referral_facts). The outcome stages come from oversight/contract.py as
-- $finding_outcomes, $case_ending_outcomes, $case_to_answer_outcomes, $proceedings_outcomes.
-- Each outcome counted in docs/metrics.md ("Counts") is written here once, as the date of the
-- referral's first outcome of that kind: the cohort view counts a referral that has one, the
-- event view counts it in the period holding that date (queries/filtered_tables.sql).
insert into referral_facts
with summaries as (
    select
        referral_id,
        min(decided_at) filter (where list_contains($finding_outcomes, outcome::varchar))
            as finding_date,
        min(decided_at) filter (where list_contains($case_ending_outcomes, outcome::varchar))
            as ended_date,
        min(decided_at) filter (where list_contains($case_to_answer_outcomes, outcome::varchar))
            as case_to_answer_date,
        min(decided_at) filter (where outcome = 'false_allegation') as false_allegation_date,
        min(decided_at) filter (where outcome = 'dismissed') as dismissed_date,
        min(decided_at) filter (where outcome = 'would_have_been_dismissed')
            as would_have_been_dismissed_date,
        min(decided_at) filter (where outcome = 'barred') as barred_date,
        min(decided_at) filter (where outcome = 'charged') as charged_date,
        bool_or(outcome = 'case_to_answer_gross_misconduct') as has_gross_misconduct,
        bool_or(outcome = 'no_case_to_answer') as has_no_case_to_answer,
        bool_or(list_contains($proceedings_outcomes, outcome::varchar)) as has_proceedings_outcome
    from outcomes
    group by referral_id
)
select
    f.referral_id, f.report_id, f.force, f.referred_at, f.assessment, f.assessed_at,
    r.received_at, r.channel, r.categories, r.subject_force, r.subject_role, r.subject_sex,
    r.subject_ethnicity,
    s.finding_date, s.ended_date,
    s.case_to_answer_date, s.false_allegation_date, s.dismissed_date,
    s.would_have_been_dismissed_date, s.barred_date, s.charged_date,
    coalesce(s.has_gross_misconduct, false),
    coalesce(s.has_no_case_to_answer, false),
    coalesce(s.has_proceedings_outcome, false)
from referrals f
join reports r on r.report_id = f.report_id
left join summaries s on s.referral_id = f.referral_id
order by r.received_at
