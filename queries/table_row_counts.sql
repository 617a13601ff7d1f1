-- Rows stored in each data table.
-- One row per table: table_name, row_count. No parameters.
select 'forces' as table_name, count(*) as row_count from forces
union all
select 'reports', count(*) from reports
union all
select 'referrals', count(*) from referrals
union all
select 'outcomes', count(*) from outcomes
union all
select 'imports', count(*) from imports
union all
select 'revisions', count(*) from revisions
