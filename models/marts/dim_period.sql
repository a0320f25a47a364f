-- Periods that occur in the data: years and half-years (including derived second halves), spans of
-- multi-year projects ('2006/2008', '2012-07/2015-06') and 'undated' for stocks stated with no date.
with years as (
    select distinct year from staging.stg_observations where year is not null
),

calendar as (
    select cast(year as varchar) as period_id, 'year' as period_kind, year, null::integer as half from years
    union all
    select year || '-H1', 'half_year', year, 1 from years
    union all
    select year || '-H2', 'half_year', year, 2 from years
),

calendar_periods as (
    select
        period_id,
        period_kind,
        year,
        half,
        case half when 2 then make_date(year, 7, 1) else make_date(year, 1, 1) end as start_date,
        case half when 1 then make_date(year, 6, 30) else make_date(year, 12, 31) end as end_date,
        case half when 1 then 'I półrocze ' || year when 2 then 'II półrocze ' || year else cast(year as varchar) end
            as label_pl
    from calendar
),

-- Roman month numbers, as the reports write the months of a span ("VII 2012 – VI 2015").
roman as (
    select ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'] as months
),

other_periods as (
    select distinct
        o.period_id,
        o.period_kind,
        null::integer as year,
        null::integer as half,
        o.period_start as start_date,
        o.period_end as end_date,
        case
            when o.period_kind = 'undated' then 'bez daty'
            when regexp_full_match(o.period_id, '\d{4}/\d{4}')
                then 'lata ' || year(o.period_start) || '–' || year(o.period_end)
            else r.months[month(o.period_start)] || ' ' || year(o.period_start) || ' – '
                || r.months[month(o.period_end)] || ' ' || year(o.period_end)
        end as label_pl
    from staging.stg_observations o
    cross join roman r
    where o.period_kind in ('span', 'undated')
)

select * from calendar_periods
union all
select * from other_periods
