-- How many centres report each definition (metric, breakdown, unit, kind of period) and each of its
-- periods, with a value (a contradiction, no value, counts for none). It compares centres, so it
-- declares no partition_by and is rebuilt whole on every build: a report adds its centre to the counts
-- of its periods. Kept out of marts.comparable for that reason (a count there would rewrite every
-- centre's rows whenever one centre reports); read it beside the mart.
-- A centre has one row per metric × breakdown × unit × period in int_comparable_figures (its grain,
-- tested), so a period's rows are its centres: counted without a DISTINCT, which took 2–4× longer.
with per_period as (
    select metric_id, breakdown, unit, period_kind, period_id, count(*) as centres_in_period
    from intermediate.int_comparable_figures
    where value is not null
    group by all
),

per_definition as (
    select metric_id, breakdown, unit, period_kind, count(distinct centre_id) as centres_in_definition
    from intermediate.int_comparable_figures
    where value is not null
    group by all
)

select
    p.metric_id,
    p.breakdown,
    p.unit,
    p.period_kind,
    p.period_id,
    d.centres_in_definition,
    p.centres_in_period
from per_period p
join per_definition d
    on d.metric_id = p.metric_id and d.breakdown is not distinct from p.breakdown
    and d.unit = p.unit and d.period_kind = p.period_kind
