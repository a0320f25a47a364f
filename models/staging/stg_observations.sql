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
        cast(left(period_id, 4) as integer) as year,
        case when period_id like '%-H%' then cast(right(period_id, 1) as integer) end as half
    from observations
)

select
    left(md5(concat_ws('|', document_id, line, metric_id, coalesce(breakdown, ''), period_id, coalesce(cast(as_of_date as varchar), ''))), 16)
        as observation_id,
    *,
    case when half is null then 'year' else 'half_year' end as period_kind
from typed
