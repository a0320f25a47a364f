-- Every count (persons, families, children, cases) of a year or half-year per 10,000 residents, where a
-- population of the matching date exists (marts.population: GUS at 31 XII for a year, the mid-year
-- figure for a half-year; else the report's own). No population: the rate is null and says so, never
-- estimated. Each row carries the population's source and date, the formula as text and the ids of
-- both figures ("skąd ta liczba?"). Rebuilt per centre (partition_by: centre_id).
with counts as (
    select o.*
    from marts.fct_observation o
    where o.unit in ('persons', 'families', 'children', 'cases')
      and o.metric_id <> 'residents'
      and o.period_kind in ('year', 'half_year')
      and o.value is not null
      and o.centre_id in (select centre_id from build.touched_centres)
),

rated as (
    select
        c.*,
        p.population,
        p.population_source,
        p.population_date,
        p.population_source_pl,
        p.population_ids,
        p.flags as population_flags,
        case when p.population > 0 then c.value / p.population * 10000 end as rate_per_10k
    from counts c
    left join marts.population p
        on p.centre_id = c.centre_id and p.period_id = c.period_id
        and p.centre_id in (select centre_id from build.touched_centres)
)

select
    observation_id,
    centre_id,
    period_id,
    period_kind,
    year,
    half,
    metric_id,
    breakdown,
    unit,
    value,
    population,
    population_source,
    population_date,
    population_source_pl,
    rate_per_10k,
    case when rate_per_10k is not null then
        format('{:t }', cast(value as bigint)) || ' / ' || format('{:t }', cast(population as bigint)) || ' × 10 000'
    end as formula_pl,
    case when rate_per_10k is not null then list_concat([observation_id], population_ids) else [observation_id] end
        as source_ids,
    -- a flag of either figure travels with the rate (a contradicted count, an assumed population date)
    list_distinct(list_concat(flags, coalesce(population_flags, []::varchar[]))) as flags,
    case when population is null then 'brak liczby mieszkańców' end as note_pl
from rated
