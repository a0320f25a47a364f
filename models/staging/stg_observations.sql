-- Every figure read from every document (current and superseded), typed, with its period decoded.
-- Rebuilt per centre (partition_by: centre_id).
with observations as (
    select * from raw.observations
    where centre_id in (select centre_id from build.touched_centres)
),

typed as (
    select
        document_id,
        ordinal,
        centre_id,
        period_id,
        try_cast(as_of_date as date) as as_of_date,
        metric_id,
        nullif(breakdown, '') as breakdown,
        value,
        unit,
        line,
        quote,
        label,
        case when flags = '' then []::varchar[] else string_split(flags, ',') end as flags,
        nullif(note, '') as note,
        -- A year and a half-year have a year; a span ('2006/2008', '2012-07/2015-06') and an undated stock
        -- have none, so no view by year or half-year (and no sum over one) ever takes them in.
        case when regexp_full_match(period_id, '\d{4}(-H[12])?') then cast(left(period_id, 4) as integer) end
            as year,
        case when regexp_full_match(period_id, '\d{4}-H[12]') then cast(right(period_id, 1) as integer) end as half,
        case
            when regexp_full_match(period_id, '\d{4}') then 'year'
            when regexp_full_match(period_id, '\d{4}-H[12]') then 'half_year'
            when contains(period_id, '/') then 'span'
            when period_id = 'undated' then 'undated'
        end as period_kind,
        -- The first and last day of the period (a span of years or of months); null when undated.
        case
            when contains(period_id, '/') then
                make_date(
                    cast(left(period_id, 4) as integer),
                    coalesce(cast(nullif(regexp_extract(period_id, '^\d{4}-(\d{2})/', 1), '') as integer), 1),
                    1)
            when regexp_full_match(period_id, '\d{4}-H2') then make_date(cast(left(period_id, 4) as integer), 7, 1)
            when regexp_full_match(period_id, '\d{4}(-H1)?') then make_date(cast(left(period_id, 4) as integer), 1, 1)
        end as period_start,
        case
            when contains(period_id, '/') then
                last_day(make_date(
                    cast(regexp_extract(period_id, '/(\d{4})', 1) as integer),
                    coalesce(cast(nullif(regexp_extract(period_id, '/\d{4}-(\d{2})$', 1), '') as integer), 12),
                    1))
            when regexp_full_match(period_id, '\d{4}-H1') then make_date(cast(left(period_id, 4) as integer), 6, 30)
            when regexp_full_match(period_id, '\d{4}(-H2)?') then make_date(cast(left(period_id, 4) as integer), 12, 31)
        end as period_end
    from observations
)

select
    left(md5(concat_ws('|', document_id, line, metric_id, coalesce(breakdown, ''), period_id, coalesce(cast(as_of_date as varchar), ''))), 16)
        as observation_id,
    *
from typed
