-- Staffing against statutory norms: residents per field social worker (guideline: 2,000, art. 110
-- ust. 11 u.p.s.) and families per family assistant (limit: 15 at a time, art. 15 ust. 4 u.w.r.p.z.).
-- Missing stays null: a ratio exists only where both sides are known. Rebuilt per centre (partition_by: centre_id).
with single_values as (
    select
        centre_id, period_id, metric_id, breakdown,
        case when count(distinct value) = 1 then min(value) end as value,
        -- the figure the value was read from (the first in document order when two places agree);
        -- null when the figures contradict each other or none has a value
        case when count(distinct value) = 1 then arg_min(observation_id, (document_id, line, observation_id))
            filter (where value is not null) end as observation_id,
        bool_or(as_of_date is null) as is_period_count
    from marts.fct_observation
    where metric_id in ('residents', 'social_workers', 'families_with_family_assistant', 'family_assistants')
        and period_kind in ('year', 'half_year') -- ratios of one year or half-year, never of a span
      and centre_id in (select centre_id from build.touched_centres)
    group by all
),

residents as (
    select
        coalesce(r.centre_id, w.centre_id) as centre_id,
        coalesce(r.period_id, w.period_id) as period_id,
        'residents_per_social_worker' as measure,
        null::varchar as breakdown,
        r.value as numerator,
        w.value as denominator,
        r.observation_id as numerator_observation_id,
        w.observation_id as denominator_observation_id,
        2000 as norm,
        false as is_whole_year_count
    from (select * from single_values where metric_id = 'residents') r
    full join (select * from single_values where metric_id = 'social_workers' and breakdown is null) w
        using (centre_id, period_id)
),

assistants as (
    select
        coalesce(f.centre_id, a.centre_id) as centre_id,
        coalesce(f.period_id, a.period_id) as period_id,
        'families_per_family_assistant' as measure,
        coalesce(f.breakdown, a.breakdown) as breakdown,
        f.value as numerator,
        a.value as denominator,
        f.observation_id as numerator_observation_id,
        a.observation_id as denominator_observation_id,
        15 as norm,
        coalesce(f.is_period_count, true) as is_whole_year_count
    from (select * from single_values where metric_id = 'families_with_family_assistant') f
    full join (select * from single_values where metric_id = 'family_assistants') a
        on a.centre_id = f.centre_id and a.period_id = f.period_id and a.breakdown is not distinct from f.breakdown
),

ratios as (
    select *, case when denominator > 0 then numerator / denominator end as ratio
    from (select * from residents union all select * from assistants)
)

select
    centre_id,
    period_id,
    measure,
    breakdown,
    numerator,
    denominator,
    numerator_observation_id,
    denominator_observation_id,
    ratio,
    norm,
    ratio > norm as exceeds_norm,
    is_whole_year_count,
    case
        when numerator is null and denominator is null then 'Brak danych.'
        when measure = 'residents_per_social_worker' and denominator is null
            then 'Brak liczby pracowników socjalnych – wskaźnika nie da się policzyć.'
        when measure = 'residents_per_social_worker' and numerator is null
            then 'Brak liczby mieszkańców w sprawozdaniu – wskaźnika nie da się policzyć.'
        when measure = 'residents_per_social_worker'
            then 'Norma: co najmniej 1 pracownik socjalny na 2 000 mieszkańców (art. 110 ust. 11 ustawy o pomocy społecznej).'
        when denominator is null
            then 'Sprawozdanie podaje liczbę rodzin, ale nie liczbę asystentów – wskaźnika nie da się policzyć.'
        when numerator is null
            then 'Sprawozdanie podaje liczbę asystentów, ale nie liczbę rodzin – wskaźnika nie da się policzyć.'
        when is_whole_year_count
            then 'Rodziny liczone w ciągu całego okresu, nie jednocześnie; ustawowy limit 15 rodzin dotyczy pracy w tym samym czasie, więc przekroczenie nie musi oznaczać naruszenia.'
        else 'Limit: 15 rodzin jednocześnie na asystenta (art. 15 ust. 4 ustawy o wspieraniu rodziny).'
    end as note_pl
from ratios
