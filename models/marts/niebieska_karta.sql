-- Niebieska Karta: NK-A forms and working groups by year and half-year. For additive flows a missing
-- second half-year is derived as year − H1 and marked; since 2023 the procedure changed (new act,
-- "grupy diagnostyczno-pomocowe"), a series break. Rebuilt per centre (partition_by: centre_id).
with nk as (
    select o.*
    from marts.fct_observation o
    where o.metric_id in ('nk_a_forms', 'nk_working_groups') and o.value is not null
        -- a view by year and half-year: a span or an undated figure is never one of its periods
        and o.period_kind in ('year', 'half_year')
      and o.centre_id in (select centre_id from build.touched_centres)
),

flows as (
    select metric_id from marts.dim_metric where aggregation = 'flow'
),

derived_h2 as (
    select
        y.centre_id,
        y.year || '-H2' as period_id,
        'half_year' as period_kind,
        y.year,
        2 as half,
        y.metric_id,
        y.value - h1.value as value,
        format('{:t }', cast(y.value as bigint)) || ' − ' || format('{:t }', cast(h1.value as bigint)) as formula_pl,
        [y.observation_id, h1.observation_id] as source_ids,
        list_distinct(list_concat(['derived'], y.flags, h1.flags)) as flags
    from nk y
    join nk h1 on h1.centre_id = y.centre_id and h1.metric_id = y.metric_id and h1.period_id = y.year || '-H1'
    where y.period_kind = 'year'
      and y.metric_id in (select metric_id from flows)
      and not exists (
          select 1 from nk h2
          where h2.centre_id = y.centre_id and h2.metric_id = y.metric_id and h2.period_id = y.year || '-H2')
)

select
    centre_id, period_id, period_kind, year, half, metric_id, value,
    false as is_derived,
    year >= 2023 as is_series_break,
    null::varchar as formula_pl,
    [observation_id] as source_ids,
    flags,
    observation_id, document_id, line, quote
from nk
union all
select
    centre_id, period_id, period_kind, year, half, metric_id, value,
    true as is_derived,
    year >= 2023 as is_series_break,
    formula_pl,
    source_ids,
    flags,
    null, null, null, null
from derived_h2
