-- Documents the warehouse was built from, current and superseded. File names and titles only: no personal names.
-- Rebuilt per centre (partition_by: centre_id).
with documents as (
    select * from staging.stg_documents
    where centre_id in (select centre_id from build.touched_centres)
),

counts as (
    select document_id, count(*) as observation_count
    from staging.stg_observations
    where centre_id in (select centre_id from build.touched_centres)
    group by document_id
)

select
    d.document_id,
    d.centre_id,
    d.kind,
    d.title,
    d.file_name,
    d.origin,
    d.periods,
    d.issued_on,
    d.received_at,
    d.version,
    d.is_current,
    d.superseded_by,
    d.extractor_id,
    d.byte_size,
    coalesce(c.observation_count, 0) as observation_count,
    current_timestamp as loaded_at
from documents d
left join counts c using (document_id)
