-- Every import, newest first, with its totals over its files.
-- One row per import: import_id, imported_at, synthetic, files, rows_read, rows_added,
-- rows_revised, rows_unchanged. No parameters.
select
    i.import_id,
    i.imported_at,
    i.synthetic,
    string_agg(f.file_name, ', ' order by f.table_name) as files,
    sum(f.rows_read) as rows_read,
    sum(f.rows_added) as rows_added,
    sum(f.rows_revised) as rows_revised,
    sum(f.rows_unchanged) as rows_unchanged
from imports i
join import_files f using (import_id)
group by all
order by i.import_id desc
