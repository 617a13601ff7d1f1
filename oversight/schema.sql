-- The Oversight database: the tables, their types and the rules of docs/data-contract.md.
-- Run once on a new, empty database after the type force_code (every force_code of
-- data/forces.csv) and subject_force_code (the same plus 'unknown') have been created from the
-- forces reference. Rules that span tables and the "not in the future" rules are checked by the
-- importer (oversight/ingest), the only writer; everything a single row can break is refused here.

create type channel as enum ('phone', 'online');
create type category as enum (
    'corrupt_exchange', 'abuse_of_position', 'sexual_misconduct', 'domestic_abuse',
    'discrimination', 'other'
);
create type subject_role as enum ('officer', 'staff', 'volunteer', 'unknown');
create type duty_status as enum ('on_duty', 'off_duty', 'unknown');
create type setting as enum ('in_person', 'online', 'unknown');
create type subject_sex as enum ('female', 'male', 'other', 'not_stated');
create type subject_ethnicity as enum ('asian', 'black', 'mixed', 'white', 'other', 'not_stated');
create type assessment as enum (
    'investigation', 'safeguarding', 'intelligence_only', 'no_further_action', 'transferred',
    'pending'
);
create type outcome as enum (
    'no_case_to_answer', 'false_allegation', 'case_to_answer_misconduct',
    'case_to_answer_gross_misconduct',
    'no_further_action', 'reflective_practice', 'management_advice', 'written_warning',
    'final_written_warning', 'reduction_in_rank', 'dismissed', 'would_have_been_dismissed',
    'charged', 'convicted', 'acquitted',
    'barred'
);
create type source_table as enum ('reports', 'referrals', 'outcomes');

-- Which version of this schema the file holds (oversight.db.SCHEMA_VERSION): one row.
create table database_info (
    schema_version integer not null
);

-- One row per force a report can name (data/forces.csv, built from data/reference/).
create table forces (
    force_code force_code primary key,
    force_name varchar not null check (force_name <> ''),
    short_name varchar not null check (short_name <> ''),
    force_type varchar not null check (force_type in ('territorial', 'national_special')),
    nation varchar,
    region_code varchar,
    region_name varchar,
    ons_code varchar,
    officer_fte decimal(10, 2) check (officer_fte > 0),
    officer_fte_date date,
    population integer check (population > 0),
    population_date date,
    check ((officer_fte is null) = (officer_fte_date is null)),
    check ((population is null) = (population_date is null))
);

-- One row per import that was accepted.
create table imports (
    import_id integer primary key check (import_id >= 1),
    imported_at timestamp not null,
    source varchar not null,
    synthetic boolean not null,
    software_version varchar not null
);

-- One row per file of an accepted import, with what it did.
create table import_files (
    import_id integer not null references imports (import_id),
    file_name varchar not null,
    table_name source_table not null,
    sha256 varchar not null check (regexp_full_match(sha256, '[0-9a-f]{64}')),
    rows_read bigint not null check (rows_read >= 0),
    rows_added bigint not null check (rows_added >= 0),
    rows_revised bigint not null check (rows_revised >= 0),
    rows_unchanged bigint not null check (rows_unchanged >= 0),
    check (rows_added + rows_revised + rows_unchanged = rows_read),
    primary key (import_id, table_name)
);

-- One row per report made to the service. categories holds the one or more categories the
-- report carries, each once, in the contract's order. import_id: the import that last wrote it.
create table reports (
    report_id varchar primary key check (length(report_id) between 1 and 64),
    received_at timestamp not null,
    channel channel not null,
    categories category[] not null check (
        len(categories) >= 1
        and len(list_distinct(categories)) = len(categories)
        and list_position(categories, null) is null
    ),
    subject_force subject_force_code not null,
    subject_role subject_role not null,
    anonymous boolean not null,
    duty_status duty_status not null default 'unknown',
    setting setting not null default 'unknown',
    subject_sex subject_sex not null default 'not_stated',
    subject_ethnicity subject_ethnicity not null default 'not_stated',
    import_id integer not null check (import_id >= 1)
);

-- One row per report passed to a force (a dissemination).
create table referrals (
    referral_id varchar primary key check (length(referral_id) between 1 and 64),
    report_id varchar not null references reports (report_id),
    force force_code not null references forces (force_code),
    referred_at timestamp not null,
    assessment assessment not null,
    assessed_at date,
    import_id integer not null check (import_id >= 1),
    check (assessed_at is not null or assessment = 'pending'),
    check (assessed_at is null or assessed_at >= cast(referred_at as date))
);

-- One row per decision in a referral's case.
create table outcomes (
    outcome_id varchar primary key check (length(outcome_id) between 1 and 64),
    referral_id varchar not null references referrals (referral_id),
    outcome outcome not null,
    decided_at date not null,
    import_id integer not null check (import_id >= 1)
);

-- Derived, never imported: one row per referral, with the attributes of its report and the
-- summary of its case (docs/metrics.md): the first finding, the first outcome that ends the
-- case (a misconduct-proceedings outcome, no_case_to_answer or false_allegation), the first
-- outcome of each kind counted (case to answer, false allegation, dismissal, would have been
-- dismissed, barring, charge: NULL where none yet; the date of the first is also when the
-- referral counts in the event view), and a flag for the other outcomes. Rebuilt whole by
-- every import from the tables above, in report time order, so that the dashboard filters one
-- table instead of joining referrals, reports and every outcome on every query.
create table referral_facts (
    referral_id varchar not null,
    report_id varchar not null,
    force force_code not null,
    referred_at timestamp not null,
    assessment assessment not null,
    assessed_at date,
    received_at timestamp not null,
    channel channel not null,
    categories category[] not null,
    subject_force subject_force_code not null,
    subject_role subject_role not null,
    subject_sex subject_sex not null,
    subject_ethnicity subject_ethnicity not null,
    finding_date date,
    ended_date date,
    case_to_answer_date date,
    false_allegation_date date,
    dismissed_date date,
    would_have_been_dismissed_date date,
    barred_date date,
    charged_date date,
    has_gross_misconduct boolean not null,
    has_no_case_to_answer boolean not null,
    has_proceedings_outcome boolean not null
);

-- One row per stored row that a later extract replaced: the values before and after, as JSON.
-- rollback says what the revision rolled back (a stored date blanked, a referral moved back to
-- pending, an outcome taken from its referral), where the import was
-- run with --accept-rollback; it is NULL for every other revision (docs/data-contract.md).
create table revisions (
    import_id integer not null references imports (import_id),
    table_name source_table not null,
    row_id varchar not null,
    previous_values json not null,
    revised_values json not null,
    rollback varchar check (rollback <> ''),
    primary key (import_id, table_name, row_id)
);
