-- The comparable definitions: (metric, breakdown, unit, kind of period) that at least two centres report
-- with a value. It compares centres, so it declares no partition_by and is rebuilt whole; it is small,
-- and its content changes only when a definition gains its second centre or loses it. Only then is
-- marts.comparable, which reads it, rebuilt whole; otherwise a report replaces its centre's rows there.
select distinct metric_id, breakdown, unit, period_kind
from intermediate.int_comparable_counts
where centres_in_definition >= 2
