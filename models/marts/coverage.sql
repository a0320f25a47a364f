-- Which figure exists for which city and period: the basis of the coverage view.
with grid as (
    select c.centre_id, p.period_id, m.metric_id
    from marts.dim_centre c
    cross join (select distinct period_id from marts.fct_observation) p
    cross join (select distinct metric_id from marts.fct_observation) m
),

present as (
    select centre_id, period_id, metric_id, bool_or(value is not null) as has_value, count(*) as observations
    from marts.fct_observation
    group by all
)

select
    g.centre_id,
    g.period_id,
    g.metric_id,
    coalesce(p.has_value, false) as has_value,
    coalesce(p.observations, 0) as observations
from grid g
left join present p using (centre_id, period_id, metric_id)
