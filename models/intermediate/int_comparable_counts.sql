-- How many centres report each definition (metric, breakdown, unit, kind of period) and each of its
-- periods, with a value (a contradiction, no value, counts for none). It compares centres, so it
-- declares no partition_by and is rebuilt whole on every build: a report adds its centre to the counts
-- of its periods. Kept out of marts.comparable for that reason (a count there would rewrite every
-- centre's rows whenever one centre reports); read it beside the mart.
with reported as (
    select distinct metric_id, breakdown, unit, period_kind, period_id, centre_id
    from intermediate.int_comparable_figures
    where value is not null
),

per_definition as (
    select metric_id, breakdown, unit, period_kind, count(distinct centre_id) as centres_in_definition
    from reported
    group by all
)

select
    r.metric_id,
    r.breakdown,
    r.unit,
    r.period_kind,
    r.period_id,
    d.centres_in_definition,
    count(*) as centres_in_period
from reported r
join per_definition d
    on d.metric_id = r.metric_id and d.breakdown is not distinct from r.breakdown
    and d.unit = r.unit and d.period_kind = r.period_kind
group by all
