-- The comparable layer: figures of one definition (metric, breakdown, unit, kind of period) that at least
-- two centres report, one row per centre × period, read or derived. Derived rows are marked and carry
-- their formula and the ids of the figures they came from ("skąd ta liczba?"):
--   * harmonised totals, where a centre reports only the parts of a family-assistant figure (Wrocław: the
--     WMA project + the MOPS's own assistants) and no total: the sum of its programmes. Only these metrics:
--     the programmes are separate staff with separate families; other programme breakdowns may overlap.
--   * a second half-year of an additive flow, year − H1, where the document gives no H2.
-- Every row has its rate per 10,000 residents where marts.population has a population of that period.
-- Compares centres, so it declares no partition_by and is rebuilt whole.
with figures as (
    select
        o.centre_id, o.metric_id, o.breakdown, o.unit, o.period_kind, o.period_id, o.year, o.half,
        -- two places giving two values: no value, flagged (the figures stay in fct_observation)
        case when count(distinct o.value) = 1 then min(o.value) end as value,
        list(o.observation_id order by o.document_id, o.line, o.observation_id) as source_ids,
        list_distinct(flatten(list(o.flags))) as flags
    from marts.fct_observation o
    where o.period_kind in ('year', 'half_year') and (o.value is not null or list_contains(o.flags, 'contradiction'))
    group by all
),

read_figures as (
    select *, false as is_derived, 'read' as derivation, null::varchar as formula_pl from figures
),

harmonised_totals as (
    select
        centre_id, metric_id, null::varchar as breakdown, unit, period_kind, period_id, year, half,
        sum(value) as value,
        flatten(list(source_ids order by breakdown)) as source_ids,
        list_distinct(list_concat(['derived'], flatten(list(flags)))) as flags,
        true as is_derived,
        'harmonised_total' as derivation,
        string_agg(format('{:t }', cast(value as bigint)) || ' (' || breakdown || ')', ' + ' order by breakdown)
            as formula_pl
    from figures
    where metric_id in ('family_assistants', 'families_with_family_assistant',
                        'children_in_families_with_family_assistant')
        and breakdown is not null
    group by centre_id, metric_id, unit, period_kind, period_id, year, half
    having count(*) >= 2 and count(value) = count(*)
        and not exists (
            select 1 from figures t
            where t.centre_id = figures.centre_id and t.metric_id = figures.metric_id
                and t.period_id = figures.period_id and t.breakdown is null)
),

second_halves as (
    select
        y.centre_id, y.metric_id, y.breakdown, y.unit, 'half_year' as period_kind, y.year || '-H2' as period_id,
        y.year, 2 as half,
        y.value - h1.value as value,
        list_concat(y.source_ids, h1.source_ids) as source_ids,
        list_distinct(list_concat(['derived'], y.flags, h1.flags)) as flags,
        true as is_derived,
        'h2_from_year' as derivation,
        format('{:t }', cast(y.value as bigint)) || ' − ' || format('{:t }', cast(h1.value as bigint)) as formula_pl
    from figures y
    join figures h1
        on h1.centre_id = y.centre_id and h1.metric_id = y.metric_id and h1.breakdown is not distinct from y.breakdown
        and h1.period_id = y.year || '-H1'
    join marts.dim_metric m on m.metric_id = y.metric_id
    where y.period_kind = 'year' and m.aggregation = 'flow' and y.value is not null and h1.value is not null
        and not exists (
            select 1 from figures h2
            where h2.centre_id = y.centre_id and h2.metric_id = y.metric_id
                and h2.breakdown is not distinct from y.breakdown and h2.period_id = y.year || '-H2')
),

all_figures as (
    select * from read_figures
    union all by name select * from harmonised_totals
    union all by name select * from second_halves
),

definitions as (
    select metric_id, breakdown, unit, period_kind, count(distinct centre_id) as centres_in_definition
    from all_figures
    where value is not null
    group by all
    having count(distinct centre_id) >= 2
),

comparable as (
    select
        f.*,
        d.centres_in_definition,
        count(distinct f.centre_id) filter (where f.value is not null)
            over (partition by f.metric_id, f.breakdown, f.unit, f.period_id) as centres_in_period
    from all_figures f
    join definitions d
        on d.metric_id = f.metric_id and d.breakdown is not distinct from f.breakdown
        and d.unit = f.unit and d.period_kind = f.period_kind
)

select
    c.centre_id,
    c.metric_id,
    c.breakdown,
    c.unit,
    c.period_kind,
    c.period_id,
    c.year,
    c.half,
    c.value,
    c.is_derived,
    c.derivation,
    c.formula_pl,
    c.source_ids,
    -- the population's flags (an assumed date) travel with a rate computed from it
    case when p.population > 0 and c.unit in ('persons', 'families', 'children', 'cases') and c.metric_id <> 'residents'
        then list_distinct(list_concat(c.flags, p.flags)) else c.flags end as flags,
    c.centres_in_definition,
    c.centres_in_period,
    case when c.unit in ('persons', 'families', 'children', 'cases') and c.metric_id <> 'residents'
        and p.population > 0 then c.value / p.population * 10000 end as rate_per_10k,
    case when c.unit in ('persons', 'families', 'children', 'cases') and c.metric_id <> 'residents'
        and p.population > 0 and c.value is not null
        then format('{:t }', cast(c.value as bigint)) || ' / ' || format('{:t }', cast(p.population as bigint))
            || ' × 10 000' end as rate_formula_pl,
    p.population_source,
    p.population_source_pl,
    p.population_ids
from comparable c
left join marts.population p on p.centre_id = c.centre_id and p.period_id = c.period_id
