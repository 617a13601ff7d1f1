-- Every extract file imported, oldest import first: what a snapshot was computed from.
-- One row per imported file: import_id, imported_at (timestamp), file_name, table_name,
-- sha256 (of the file as read), rows_read. No parameters.
select
    i.import_id,
    i.imported_at,
    f.file_name,
    f.table_name::varchar as table_name,
    f.sha256,
    f.rows_read
from import_files f
join imports i on i.import_id = f.import_id
order by i.import_id, f.table_name
