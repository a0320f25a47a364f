-- The comparable layer's figures of each centre, before the cross-centre part: every figure of a year
-- or half-year, read or derived, with its rate per 10,000 residents. marts.comparable keeps those of the
-- definitions (metric, breakdown, unit, kind of period) that at least two centres report
-- (intermediate.int_comparable_definitions). Derived rows are marked and carry their formula and the ids
-- of the figures they came from ("skąd ta liczba?"):
--   * harmonised totals, where a centre reports only the parts of a family-assistant figure (Wrocław: the
--     WMA project + the MOPS's own assistants) and no total: the sum of its programmes. Only these metrics:
--     the programmes are separate staff with separate families; other programme breakdowns may overlap.
--   * a second half-year of an additive flow, year − H1, where the document gives no H2.
-- Each centre's rows come from its own figures and population only, so it is rebuilt per centre.
with figures as (
    select
        o.centre_id, o.metric_id, o.breakdown, o.unit, o.period_kind, o.period_id, o.year, o.half,
        -- two places giving two values: no value, flagged (the figures stay in fct_observation)
        case when count(distinct o.value) = 1 then min(o.value) end as value,
        list(o.observation_id order by o.document_id, o.line, o.observation_id) as source_ids,
        list_distinct(flatten(list(o.flags))) as flags
    from marts.fct_observation o
    where o.centre_id in (select centre_id from build.touched_centres)
        and o.period_kind in ('year', 'half_year') and (o.value is not null or list_contains(o.flags, 'contradiction'))
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
)

select
    f.centre_id,
    f.metric_id,
    f.breakdown,
    f.unit,
    f.period_kind,
    f.period_id,
    f.year,
    f.half,
    f.value,
    f.is_derived,
    f.derivation,
    f.formula_pl,
    f.source_ids,
    -- the population's flags (an assumed date) travel with a rate computed from it
    case when p.population > 0 and f.unit in ('persons', 'families', 'children', 'cases') and f.metric_id <> 'residents'
        then list_distinct(list_concat(f.flags, p.flags)) else f.flags end as flags,
    case when f.unit in ('persons', 'families', 'children', 'cases') and f.metric_id <> 'residents'
        and p.population > 0 then f.value / p.population * 10000 end as rate_per_10k,
    case when f.unit in ('persons', 'families', 'children', 'cases') and f.metric_id <> 'residents'
        and p.population > 0 and f.value is not null
        then format('{:t }', cast(f.value as bigint)) || ' / ' || format('{:t }', cast(p.population as bigint))
            || ' × 10 000' end as rate_formula_pl,
    p.population_source,
    p.population_source_pl,
    p.population_ids
from all_figures f
left join marts.population p
    on p.centre_id = f.centre_id and p.period_id = f.period_id
    and p.centre_id in (select centre_id from build.touched_centres)
