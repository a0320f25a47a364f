-- The comparable layer: figures of one definition (metric, breakdown, unit, kind of period) that at least
-- two centres report, one row per centre × period, read or derived (intermediate.int_comparable_figures:
-- how harmonised totals and second half-years are derived, and the rates per 10,000 residents).
-- Each centre's rows are its own figures of the comparable definitions
-- (intermediate.int_comparable_definitions), so it is rebuilt per centre; when the comparable definitions
-- change, the engine rebuilds it whole. How many centres report a definition and a period:
-- intermediate.int_comparable_counts.
select f.*
from intermediate.int_comparable_figures f
where f.centre_id in (select centre_id from build.touched_centres)
    and exists (
        select 1 from intermediate.int_comparable_definitions d
        where d.metric_id = f.metric_id and d.breakdown is not distinct from f.breakdown
            and d.unit = f.unit and d.period_kind = f.period_kind)
