-- The population a per-resident rate or a staffing ratio divides by, one per centre and period: a year
-- takes the population at 31 XII of that year, a half-year the mid-year figure (30 VI). The official
-- figure (GUS Bank Danych Lokalnych, staging.stg_reference_figures) is preferred; otherwise the centre's
-- own report (metric residents of that year or half-year), with the report's date or, where the
-- document gives none, the year it was filed under (its flags say so). Nothing else: where neither
-- exists there is no row, and the rates say "brak liczby mieszkańców". Rebuilt per centre.
with official as (
    select
        centre_id,
        cast(year as varchar) as period_id,
        value,
        coalesce(reference_date, make_date(year, 12, 31)) as population_date,
        variable_id, unit_id, year
    from staging.stg_reference_figures
    where measure = 'population_31_dec'
      and centre_id in (select centre_id from build.touched_centres)
    union all
    select
        centre_id,
        year || '-H' || h.half as period_id,
        value,
        coalesce(reference_date, make_date(year, 6, 30)) as population_date,
        variable_id, unit_id, year
    from staging.stg_reference_figures
    cross join (values (1), (2)) as h (half)
    where measure = 'population_mid_year'
      and centre_id in (select centre_id from build.touched_centres)
),

reported as (
    select
        centre_id,
        period_id,
        -- two places of the reports giving two values: no population (the contradiction is in data_quality)
        case when count(distinct value) = 1 then min(value) end as value,
        arg_min(observation_id, (document_id, line, observation_id)) as observation_id,
        arg_min(as_of_date, (document_id, line, observation_id)) as as_of_date,
        list_distinct(flatten(list(flags))) as flags,
        any_value(period_kind) as period_kind,
        any_value(year) as year,
        any_value(half) as half
    from marts.fct_observation
    where metric_id = 'residents' and breakdown is null and value is not null
      and period_kind in ('year', 'half_year')
      and centre_id in (select centre_id from build.touched_centres)
    group by centre_id, period_id
)

select
    centre_id,
    period_id,
    value as population,
    'gus_bdl' as population_source,
    population_date,
    'GUS, Bank Danych Lokalnych (zmienna ' || variable_id || ', jednostka ' || unit_id || '), ludność ogółem, stan na '
        || strftime(population_date, '%d.%m.%Y') as population_source_pl,
    ['bdl:' || variable_id || ':' || unit_id || ':' || year] as population_ids,
    []::varchar[] as flags
from official
union all
select
    r.centre_id,
    r.period_id,
    r.value,
    'report',
    r.as_of_date,
    'sprawozdanie ośrodka, '
        || case
            when r.as_of_date is not null then 'stan na ' || strftime(r.as_of_date, '%d.%m.%Y')
            when list_contains(r.flags, 'period_assumed')
                then 'okres ' || r.period_id || ' przyjęty z kontekstu dokumentu (data nie podana)'
            else 'okres ' || r.period_id || ' (data nie podana)'
        end,
    [r.observation_id],
    r.flags
from reported r
where r.value is not null
    -- the official figure of the same date comes first
    and not exists (select 1 from official o where o.centre_id = r.centre_id and o.period_id = r.period_id)
