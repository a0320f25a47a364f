-- Staffing against the statutory norms in force in each period (staging.stg_legal_norms): residents per
-- social worker (2,000, art. 110 ust. 11 u.p.s.), families in social work per social worker (the
-- alternative criterion, at most 50, from 2015) and families per family assistant (at most 15 at a time,
-- 20 under the act's first wording; art. 15 ust. 4 u.w.r.p.z.). A verdict ("w normie" / "powyżej normy")
-- is given only where the figures are what the norm counts: families counted over a whole year, field
-- workers only or persons where the norm counts full-time posts give "nieporównywalne", a missing side
-- "brak danych". Where a report gives the cooperations ended in the year, an estimated year-end caseload
-- (families in the year minus those ended) is judged against the limit and marked as an estimate.
-- Every ratio carries its formula and the ids of its figures. Rebuilt per centre (partition_by: centre_id).
with figures as (
    select
        centre_id, period_id, metric_id, breakdown,
        case when count(distinct value) = 1 then min(value) end as value,
        -- the figure the value was read from (the first in document order when two places agree);
        -- null when the figures contradict each other or none has a value
        case when count(distinct value) = 1 then arg_min(observation_id, (document_id, line, observation_id))
            filter (where value is not null) end as observation_id,
        bool_or(as_of_date is null) as is_period_count,
        -- a contradicted or assumed figure keeps its flag here too
        list_distinct(flatten(list(flags))) as flags
    from marts.fct_observation
    where metric_id in ('social_workers', 'families_social_work', 'families_with_family_assistant',
                        'family_assistants', 'families_assistance_ended')
        and period_kind in ('year', 'half_year') -- ratios of one year or half-year, never of a span
      and centre_id in (select centre_id from build.touched_centres)
    group by all
),

social_workers as (
    select * from figures where metric_id = 'social_workers' and breakdown is null
),

population as (
    select * from marts.population where centre_id in (select centre_id from build.touched_centres)
),

residents as (
    select
        coalesce(p.centre_id, w.centre_id) as centre_id,
        coalesce(p.period_id, w.period_id) as period_id,
        'residents_per_social_worker' as measure,
        null::varchar as breakdown,
        p.population as numerator,
        w.value as denominator,
        null::double as subtracted,
        case when p.population_source = 'report' then p.population_ids[1] end as numerator_observation_id,
        w.observation_id as denominator_observation_id,
        null::varchar as subtracted_observation_id,
        coalesce(p.population_ids, []::varchar[]) as numerator_ids,
        p.population_source,
        p.population_date,
        coalesce(p.population_source_pl, 'mieszkańcy') as numerator_label_pl,
        'field' as staff_scope,
        false as is_whole_year_count,
        false as is_estimate,
        list_distinct(list_concat(coalesce(p.flags, []::varchar[]), coalesce(w.flags, []::varchar[]))) as flags
    from population p
    full join social_workers w on w.centre_id = p.centre_id and w.period_id = p.period_id
    -- every period with staff; a population alone only where the report itself gives it (as before GUS)
    where w.centre_id is not null or p.population_source = 'report'
),

social_work as (
    select
        w.centre_id,
        w.period_id,
        'families_in_social_work_per_social_worker' as measure,
        null::varchar as breakdown,
        f.value as numerator,
        w.value as denominator,
        null::double as subtracted,
        f.observation_id as numerator_observation_id,
        w.observation_id as denominator_observation_id,
        null::varchar as subtracted_observation_id,
        case when f.observation_id is not null then [f.observation_id] else []::varchar[] end as numerator_ids,
        null::varchar as population_source,
        null::date as population_date,
        'rodziny objęte pracą socjalną w okresie (liczone raz)' as numerator_label_pl,
        'field' as staff_scope,
        false as is_whole_year_count,
        false as is_estimate,
        list_distinct(list_concat(coalesce(f.flags, []::varchar[]), w.flags)) as flags
    from social_workers w
    left join figures f
        on f.centre_id = w.centre_id and f.period_id = w.period_id
        and f.metric_id = 'families_social_work' and f.breakdown is null
),

families as (
    select * from figures where metric_id = 'families_with_family_assistant'
),

assistants as (
    select * from figures where metric_id = 'family_assistants'
),

per_assistant as (
    select
        coalesce(f.centre_id, a.centre_id) as centre_id,
        coalesce(f.period_id, a.period_id) as period_id,
        'families_per_family_assistant' as measure,
        coalesce(f.breakdown, a.breakdown) as breakdown,
        f.value as numerator,
        a.value as denominator,
        null::double as subtracted,
        f.observation_id as numerator_observation_id,
        a.observation_id as denominator_observation_id,
        null::varchar as subtracted_observation_id,
        case when f.observation_id is not null then [f.observation_id] else []::varchar[] end as numerator_ids,
        null::varchar as population_source,
        null::date as population_date,
        case when coalesce(f.is_period_count, true)
            then 'rodziny objęte wsparciem asystenta w ciągu okresu (liczone raz, nie jednocześnie)'
            else 'rodziny prowadzone jednocześnie'
        end as numerator_label_pl,
        'all' as staff_scope,
        coalesce(f.is_period_count, true) as is_whole_year_count,
        false as is_estimate,
        list_distinct(list_concat(coalesce(f.flags, []::varchar[]), coalesce(a.flags, []::varchar[]))) as flags
    from families f
    full join assistants a
        on a.centre_id = f.centre_id and a.period_id = f.period_id and a.breakdown is not distinct from f.breakdown
),

-- Families still with an assistant at the end of the year: those of the year minus the cooperations that
-- ended in it (Kędzierzyn-Koźle 2025: 74 − 21 = 53), a stock at one date, so comparable with the limit.
year_end as (
    select
        f.centre_id,
        f.period_id,
        'families_per_family_assistant_year_end' as measure,
        f.breakdown,
        f.value - e.value as numerator,
        a.value as denominator,
        e.value as subtracted,
        f.observation_id as numerator_observation_id,
        a.observation_id as denominator_observation_id,
        e.observation_id as subtracted_observation_id,
        [f.observation_id] as numerator_ids,
        null::varchar as population_source,
        null::date as population_date,
        'szacunek rodzin z asystentem na koniec roku: objęte wsparciem w roku minus te, z którymi zakończono współpracę'
            as numerator_label_pl,
        'all' as staff_scope,
        false as is_whole_year_count,
        true as is_estimate,
        -- the estimate is a stock at year end: the whole-year flag of its families figure does not apply
        list_filter(list_distinct(list_concat(f.flags, e.flags, coalesce(a.flags, []::varchar[]))),
            x -> x <> 'whole_year_count') as flags
    from families f
    join figures e
        on e.centre_id = f.centre_id and e.period_id = f.period_id
        and e.metric_id = 'families_assistance_ended' and e.breakdown is null
    left join assistants a
        on a.centre_id = f.centre_id and a.period_id = f.period_id and a.breakdown is null
    where f.breakdown is null and f.is_period_count and f.value is not null and e.value is not null
        and f.period_id not like '%-H%'
        and f.value >= e.value
),

ratios as (
    select
        s.*,
        case when s.denominator > 0 then s.numerator / s.denominator end as ratio,
        p.year,
        p.end_date
    from (
        select * from residents
        union all by name select * from social_work
        union all by name select * from per_assistant
        union all by name select * from year_end
    ) s
    left join marts.dim_period p using (period_id)
),

judged as (
    select
        r.*,
        n.norm_id,
        n.limit_value as norm,
        n.staff_basis as norm_staff_basis,
        n.basis_pl as legal_basis_pl,
        'persons' as staff_basis,
        case
            when r.ratio is null then 'brak danych'
            when n.norm_id is null then 'nieporównywalne'
            when r.is_whole_year_count then 'nieporównywalne'
            when r.staff_scope = 'field' then 'nieporównywalne'
            when n.staff_basis <> 'persons' then 'nieporównywalne'
            when r.ratio > n.limit_value then 'powyżej normy'
            else 'w normie'
        end as verdict
    from ratios r
    left join staging.stg_legal_norms n
        on n.measure = replace(r.measure, '_year_end', '')
        and r.end_date between n.valid_from and coalesce(n.valid_to, date '9999-12-31')
),

-- a number as a Polish reader writes it in a formula: 631 235, 13,3
formatted as (
    select
        j.*,
        case when numerator = round(numerator) then format('{:t }', cast(numerator as bigint))
            else replace(cast(round(numerator, 1) as varchar), '.', ',') end as numerator_pl,
        case when denominator = round(denominator) then format('{:t }', cast(denominator as bigint))
            else replace(cast(round(denominator, 1) as varchar), '.', ',') end as denominator_pl,
        format('{:t }', cast(numerator + subtracted as bigint)) as families_pl,
        format('{:t }', cast(subtracted as bigint)) as subtracted_pl,
        case when ratio >= 1000 then format('{:t }', cast(round(ratio) as bigint))
            else replace(cast(round(ratio, 1) as varchar), '.', ',') end as ratio_pl
    from judged j
)

select
    centre_id,
    period_id,
    year,
    measure,
    breakdown,
    numerator,
    denominator,
    numerator_observation_id,
    denominator_observation_id,
    subtracted as families_assistance_ended,
    subtracted_observation_id,
    ratio,
    norm,
    norm_id,
    legal_basis_pl,
    verdict,
    case verdict when 'powyżej normy' then true when 'w normie' then false end as exceeds_norm,
    is_whole_year_count,
    is_estimate,
    population_source,
    population_date,
    numerator_label_pl,
    case when measure like 'families_per_family_assistant%'
        then 'asystenci rodziny' || case when breakdown is not null then ' programu ' || breakdown else '' end
            || ' (osoby)'
        else 'pracownicy socjalni terenowi (osoby; nie wszyscy pracownicy socjalni ośrodka, nie etaty)'
    end as denominator_label_pl,
    staff_basis,
    staff_scope,
    case when ratio is not null then
        case when is_estimate then '(' || families_pl || ' − ' || subtracted_pl || ') / ' || denominator_pl
            else numerator_pl || ' / ' || denominator_pl end
    end as formula_pl,
    list_concat(
        numerator_ids,
        case when denominator_observation_id is not null then [denominator_observation_id] else []::varchar[] end,
        case when subtracted_observation_id is not null then [subtracted_observation_id] else []::varchar[] end
    ) as source_ids,
    flags,
    case
        when numerator is null and denominator is null then 'Brak danych.'
        when measure = 'residents_per_social_worker' and denominator is null
            then 'Brak liczby pracowników socjalnych – wskaźnika nie da się policzyć.'
        when measure = 'residents_per_social_worker' and numerator is null
            then 'Brak liczby mieszkańców (ani w sprawozdaniu, ani z GUS) – wskaźnika nie da się policzyć.'
        when measure = 'families_in_social_work_per_social_worker' and numerator is null
            then 'Brak liczby rodzin objętych pracą socjalną za ten okres – kryterium 50 rodzin na pracownika nie da się sprawdzić.'
        when measure like 'families_per_family_assistant%' and denominator is null
            then 'Sprawozdanie podaje liczbę rodzin, ale nie liczbę asystentów – wskaźnika nie da się policzyć.'
        when measure like 'families_per_family_assistant%' and numerator is null
            then 'Sprawozdanie podaje liczbę asystentów, ale nie liczbę rodzin – wskaźnika nie da się policzyć.'
        when measure = 'families_in_social_work_per_social_worker' and denominator is null
            then 'Brak liczby pracowników socjalnych – kryterium 50 rodzin na pracownika nie da się sprawdzić.'
        when denominator = 0 then 'Liczba pracowników wynosi 0 – wskaźnika nie da się policzyć.'
        -- any other pair with a side missing: said, never a note built from a missing number
        when ratio is null then 'Brak jednej z liczb – wskaźnika nie da się policzyć.'
        when norm_id is null
            then 'W ' || year || ' r. nie obowiązywał jeszcze ustawowy limit – wskaźnika (' || ratio_pl || ') nie oceniamy.'
        when is_whole_year_count
            then 'Rodziny liczone w ciągu całego okresu, nie jednocześnie; limit ' || norm
                || ' rodzin dotyczy pracy w tym samym czasie, więc wskaźnika (' || ratio_pl
                || ') nie porównujemy z limitem – nie jest to przekroczenie. Podstawa: ' || legal_basis_pl || '.'
        when staff_scope = 'field'
            then 'Mianownik to tylko pracownicy socjalni terenowi (osoby), a norma liczy wszystkich pracowników socjalnych ośrodka'
                || case when norm_staff_basis = 'fte' then ' w pełnym wymiarze czasu pracy (etaty)' else '' end
                || '; przy wszystkich wskaźnik byłby niższy, więc ' || ratio_pl
                || ' nie przesądza o przekroczeniu. Licznik: ' || numerator_label_pl || '. Podstawa: ' || legal_basis_pl || '.'
        when is_estimate
            then 'Szacunek stanu na koniec roku: rodziny objęte wsparciem w roku (' || families_pl
                || ') minus rodziny, z którymi zakończono współpracę (' || subtracted_pl || ') = ' || numerator_pl
                || '; asystenci: ' || denominator_pl || '; na asystenta: ' || ratio_pl
                || ' (zakłada, że każdą rodzinę policzono raz). Limit: ' || norm
                || ' rodzin jednocześnie. Podstawa: ' || legal_basis_pl || '.'
        else 'Limit: ' || norm || '. Podstawa: ' || legal_basis_pl || '.'
    end as note_pl
from formatted
