-- The current version of every figure (staging.stg_figure_versions), with its provenance (document,
-- line, quote) and flags. A figure is marked corrected when an earlier version or edition of the same
-- report said something else.
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
        o.value
    from observations o
    join documents d using (document_id)
    join versions v using (observation_id)
    where not v.is_current
)

select
    f.observation_id,
    f.centre_id,
    f.period_id,
    f.period_kind,
    f.year,
    f.half,
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
        from earlier_versions e
        where e.centre_id = d.centre_id and e.kind = d.kind
            and e.period_id = f.period_id and e.metric_id = f.metric_id
            and e.breakdown_key = coalesce(f.breakdown, '')
            and e.value is distinct from f.value
    ) as is_corrected
from current_figures f
join documents d using (document_id)
