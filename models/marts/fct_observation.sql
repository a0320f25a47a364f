-- The current version of every figure (staging.stg_figure_versions), with its provenance (document,
-- line, quote) and flags. A figure is marked corrected when its value changed: the version it replaced
-- (the latest earlier version or edition of the same report stating that figure) gave another value.
-- A report may state one figure twice with two values (a contradiction pair, both kept); a correction
-- that leaves both as they were marks neither, so the earlier version's values are compared as a set.
-- Rebuilt per centre (partition_by: centre_id): a centre's figures come from its own documents.
with observations as (
    select * from staging.stg_observations
    where centre_id in (select centre_id from build.touched_centres)
),

documents as (
    select * from staging.stg_documents
    where centre_id in (select centre_id from build.touched_centres)
),

versions as (
    select * from staging.stg_figure_versions
    where centre_id in (select centre_id from build.touched_centres)
),

current_figures as (
    select o.*
    from observations o
    join versions v using (observation_id)
    where v.is_current
),

earlier_versions as (
    select
        d.centre_id,
        d.kind,
        o.period_id,
        o.metric_id,
        coalesce(o.breakdown, '') as breakdown_key,
        o.as_of_date,
        o.value,
        o.document_id,
        -- the version a current figure replaced comes first: the one valid last, then the newest edition
        dense_rank() over (
            partition by d.centre_id, d.kind, o.period_id, o.metric_id, coalesce(o.breakdown, ''), o.as_of_date
            order by v.valid_to desc nulls last, list_sort(d.periods)[-1] desc nulls last,
                d.issued_on desc nulls last, d.received_at desc nulls last, o.document_id desc
        ) as recency
    from observations o
    join documents d using (document_id)
    join versions v using (observation_id)
    where not v.is_current
),

previous_versions as (
    select * from earlier_versions where recency = 1
)

select
    f.observation_id,
    f.centre_id,
    f.period_id,
    f.period_kind,
    f.year,
    f.half,
    f.period_start,
    f.period_end,
    f.as_of_date,
    f.metric_id,
    f.breakdown,
    f.value,
    f.unit,
    f.document_id,
    f.line,
    f.quote,
    f.label,
    f.flags,
    f.note,
    exists (
        select 1
        from previous_versions p
        where p.centre_id = d.centre_id and p.kind = d.kind
            and p.period_id = f.period_id and p.metric_id = f.metric_id
            and p.breakdown_key = coalesce(f.breakdown, '')
            and p.as_of_date is not distinct from f.as_of_date
    ) and not exists (
        select 1
        from previous_versions p
        where p.centre_id = d.centre_id and p.kind = d.kind
            and p.period_id = f.period_id and p.metric_id = f.metric_id
            and p.breakdown_key = coalesce(f.breakdown, '')
            and p.as_of_date is not distinct from f.as_of_date
            and p.value is not distinct from f.value
    ) as is_corrected
from current_figures f
join documents d using (document_id)
