-- Periods that occur in the data (years and half-years, including derived second halves).
with years as (
    select distinct year from staging.stg_observations
),

periods as (
    select cast(year as varchar) as period_id, 'year' as period_kind, year, null::integer as half from years
    union all
    select year || '-H1', 'half_year', year, 1 from years
    union all
    select year || '-H2', 'half_year', year, 2 from years
)

select
    period_id,
    period_kind,
    year,
    half,
    case half when 2 then make_date(year, 7, 1) else make_date(year, 1, 1) end as start_date,
    case half when 1 then make_date(year, 6, 30) else make_date(year, 12, 31) end as end_date,
    case half when 1 then 'I półrocze ' || year when 2 then 'II półrocze ' || year else cast(year as varchar) end
        as label_pl
from periods
