-- Problems that span tables, appended to temp table problems: a referral whose report is in
-- neither the extract nor the database, an outcome whose referral is in neither, and dates out
-- of order between a report and its referrals, or a referral and its outcomes.
-- Checked on the database as it will be after the import: each row's new version where the
-- extract has one, else the stored one (catalog old). A stored row that a revision in the
-- extract contradicts is reported at the revision's line.
-- Then the problems of a file whose lines could not all be matched to its records (temp table
-- approximate_lines, filled by oversight/ingest/sources.py) say that their line may be approximate.
-- Parameters: $reports_file, $referrals_file, $outcomes_file (names used in the problems);
-- $reports_complete, $referrals_complete: false where that file had lines that could not be read,
-- so that a missing id is not blamed on the rows that point to it.
insert into problems
with
new_reports as (
    select t_report_id as report_id, t_received_at as received_at, _line,
           received_at as received_at_text
    from typed_reports
),
effective_reports as (
    select report_id, received_at, _line, received_at_text from new_reports
    union all
    select report_id, received_at, null, null from old.reports
    where report_id not in (select report_id from new_reports where report_id is not null)
),
new_referrals as (
    select t_referral_id as referral_id, t_report_id as report_id,
           t_referred_at as referred_at, _line, referred_at as referred_at_text
    from typed_referrals
),
effective_referrals as (
    select referral_id, report_id, referred_at, _line, referred_at_text from new_referrals
    union all
    select referral_id, report_id::varchar, referred_at, null, null from old.referrals
    where referral_id not in (select referral_id from new_referrals where referral_id is not null)
),
-- referrals to check: those in the extract, and stored ones whose report the extract revises
referrals_to_check as (
    select * from effective_referrals
    where _line is not null or report_id in (select report_id from new_reports)
),
referral_problems as (
    select $referrals_file as file, f._line as line, 'report_id' as column_name,
           f.report_id as value,
           'a report_id of a report in this extract or already imported' as expected
    from referrals_to_check f
    left join effective_reports r on r.report_id = f.report_id
    where f._line is not null and f.report_id is not null and r.report_id is null
      and $reports_complete
    union all
    select
        case when f._line is not null then $referrals_file else $reports_file end,
        coalesce(f._line, r._line),
        case when f._line is not null then 'referred_at' else 'received_at' end,
        case when f._line is not null then f.referred_at_text else r.received_at_text end,
        case when f._line is not null
             then 'a date on or after the report''s received_at date ('
                  || strftime(r.received_at, '%Y-%m-%d') || ', report ' || r.report_id || ')'
             else 'a date on or before the referred_at date of stored referral '
                  || f.referral_id || ' (' || strftime(f.referred_at, '%Y-%m-%d') || ')' end
    from referrals_to_check f
    join effective_reports r on r.report_id = f.report_id
    where cast(f.referred_at as date) < cast(r.received_at as date)
),
new_outcomes as (
    select t_outcome_id as outcome_id, t_referral_id as referral_id,
           t_decided_at as decided_at, _line, decided_at as decided_at_text
    from typed_outcomes
),
effective_outcomes as (
    select outcome_id, referral_id, decided_at, _line, decided_at_text from new_outcomes
    union all
    select outcome_id, referral_id, decided_at, null, null from old.outcomes
    where outcome_id not in (select outcome_id from new_outcomes where outcome_id is not null)
),
outcomes_to_check as (
    select * from effective_outcomes
    where _line is not null
       or referral_id in (select referral_id from new_referrals)
),
outcome_problems as (
    select $outcomes_file as file, o._line as line, 'referral_id' as column_name,
           o.referral_id as value,
           'a referral_id of a referral in this extract or already imported' as expected
    from outcomes_to_check o
    left join effective_referrals f on f.referral_id = o.referral_id
    where o._line is not null and o.referral_id is not null and f.referral_id is null
      and $referrals_complete
    union all
    select
        case when o._line is not null then $outcomes_file else $referrals_file end,
        coalesce(o._line, f._line),
        case when o._line is not null then 'decided_at' else 'referred_at' end,
        case when o._line is not null then o.decided_at_text else f.referred_at_text end,
        case when o._line is not null
             then 'a date on or after the referral''s referred_at date ('
                  || strftime(f.referred_at, '%Y-%m-%d') || ', referral ' || f.referral_id || ')'
             else 'a date on or before the decided_at date of stored outcome '
                  || o.outcome_id || ' (' || strftime(o.decided_at, '%Y-%m-%d') || ')' end
    from outcomes_to_check o
    join effective_referrals f on f.referral_id = o.referral_id
    where o.decided_at < cast(f.referred_at as date)
)
select * from referral_problems
union all
select * from outcome_problems;

-- The misconduct route (a finding, then misconduct proceedings) follows an investigation only:
-- its outcomes are refused on a referral assessed otherwise, on the database as it will be. An
-- outcome of the extract is reported at its line; a stored outcome whose referral the extract
-- moves away from the assessment is reported once, at the referral's line, with its outcomes.
-- Parameters: $misconduct_route (the outcome codes), $route_assessment (investigation).
insert into problems
with
effective_referrals as (
    select t_referral_id as referral_id, t_assessment::varchar as assessment, _line,
           assessment as assessment_text
    from typed_referrals
    where t_referral_id is not null
    union all
    select referral_id, assessment::varchar, null, null from old.referrals
    where referral_id not in (
        select t_referral_id from typed_referrals where t_referral_id is not null
    )
),
effective_outcomes as (
    select t_outcome_id as outcome_id, t_referral_id as referral_id,
           t_outcome::varchar as outcome, _line
    from typed_outcomes
    where t_outcome_id is not null
    union all
    select outcome_id, referral_id, outcome::varchar, null from old.outcomes
    where outcome_id not in (
        select t_outcome_id from typed_outcomes where t_outcome_id is not null
    )
),
off_route as (
    select o.outcome_id, o.outcome, o._line as outcome_line, f.referral_id, f.assessment,
           f._line as referral_line, f.assessment_text
    from effective_outcomes o
    join effective_referrals f on f.referral_id = o.referral_id
    where list_contains($misconduct_route, o.outcome) and f.assessment <> $route_assessment
)
select $outcomes_file, outcome_line, 'outcome', outcome,
       'an outcome that may follow referral ' || referral_id || ', assessed ' || assessment
       || case when referral_line is null then ' (stored)'
               else ' (' || $referrals_file || ', line ' || referral_line || ')' end
       || ': outcomes of the misconduct route (findings and misconduct proceedings) are '
       || 'accepted only on a referral assessed ' || $route_assessment
from off_route
where outcome_line is not null
union all
select $referrals_file, referral_line, 'assessment', any_value(assessment_text),
       $route_assessment || ', the assessment referral ' || referral_id || ' has while it has '
       || 'outcomes of the misconduct route (stored: '
       || string_agg(outcome_id || ' ' || outcome, ', ' order by outcome_id) || ')'
from off_route
where outcome_line is null and referral_line is not null
group by referral_id, referral_line;

-- A file read in a way that its records could not all be matched to its lines (sources.py: an
-- irregular quote or line break): each problem from that line on says its line may be approximate.
update problems
set expected = expected || ' (line number approximate: from line ' || a.from_line
    || ' on, the records of this file could not be matched one by one to its lines)'
from approximate_lines a
where problems.file = a.file and problems.line >= a.from_line;
