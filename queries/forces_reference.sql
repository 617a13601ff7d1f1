-- The forces reference: one row per force a report can name, in name order, with its region,
-- nation, officer numbers (full-time equivalent, with their date), population, and
-- reference_position (0, 1, ...: the force's place in data/forces.csv, the published order).
-- No parameters.
select
    force_code::varchar as force_code,
    force_name,
    short_name,
    force_type,
    nation,
    region_name,
    officer_fte::double as officer_fte,
    officer_fte_date,
    population,
    population_date,
    enum_code(force_code)::integer as reference_position
from forces
order by short_name
