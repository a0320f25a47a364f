-- Which figure exists for which city and period: the basis of the coverage view. Every centre is
-- crossed with the periods and metrics seen anywhere (intermediate.int_periods_observed,
-- int_metrics_observed: rebuilt whole, and when they change this model is rebuilt whole too); a
-- centre's rows otherwise depend on its own figures only, so it is rebuilt per centre (partition_by).
with centres as (
    select centre_id from marts.dim_centre
    where centre_id in (select centre_id from build.touched_centres)
),

grid as (
    select c.centre_id, p.period_id, m.metric_id
    from centres c
    cross join intermediate.int_periods_observed p
    cross join intermediate.int_metrics_observed m
),

present as (
    select centre_id, period_id, metric_id, bool_or(value is not null) as has_value, count(*) as observations
    from marts.fct_observation
    where centre_id in (select centre_id from build.touched_centres)
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
