-- The most recent imports, newest first, with what each file did.
-- One row per file of an import: import_id, imported_at, synthetic, file_name, table_name,
-- sha256, rows_read, rows_added, rows_revised, rows_unchanged.
-- Parameters: $limit (how many imports).
with recent as (
    select import_id, imported_at, synthetic
    from imports
    order by import_id desc
    limit $limit
)
select
    r.import_id, r.imported_at, r.synthetic, f.file_name, f.table_name::varchar as table_name,
    f.sha256, f.rows_read, f.rows_added, f.rows_revised, f.rows_unchanged
from recent r
join import_files f using (import_id)
order by r.import_id desc, f.table_name
