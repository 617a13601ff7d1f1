-- Outcomes decided in the period, the event view (docs/metrics.md, "Outcomes decided in the
-- period"): for each outcome counted, the referrals whose first outcome of that kind was
-- decided in the period (decided_outcomes, filtered_tables.sql), whenever the report was
-- received, and the days those cases took from the report.
-- One row per measure of decided_measures (zeros included), in its order:
--   measure_order, measure   case_to_answer, false_allegations, dismissals,
--                            would_have_been_dismissed, barred, criminal_charges
--   cases                    referrals counted (each once per measure)
--   median_days, p90_days    days from the report's received date to that first outcome: the
--                            median and 90th percentile (linear interpolation between closest
--                            ranks, as pandas' quantile; NULL where none)
-- Parameters: the filters ($first_date, $last_date: decided_at dates, both inclusive;
-- $forces (receiving forces) ... $subject_roles, see filtered_tables.sql).
with decided as (
    select measure, days_from_report
    from decided_outcomes(
        $first_date, $last_date, $forces::varchar[], $regions::varchar[],
        $channels::varchar[], $categories::varchar[], $subject_roles::varchar[]
    )
)
select
    m.measure_order,
    m.measure,
    count(d.days_from_report) as cases,
    quantile_cont(d.days_from_report, 0.5) as median_days,
    quantile_cont(d.days_from_report, 0.9) as p90_days
from decided_measures() m
left join decided d on d.measure = m.measure
group by m.measure_order, m.measure
order by m.measure_order
