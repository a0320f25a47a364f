-- Documents with their version state: a later document of the same centre, kind and periods supersedes an earlier one.
-- Rebuilt per centre (partition_by: centre_id): versions are counted within a centre.
with documents as (
    select * from raw.documents
    where centre_id in (select centre_id from build.touched_centres)
),

versioned as (
    select
        *,
        row_number() over (
            partition by centre_id, kind, list_sort(periods)
            order by coalesce(received_at, timestamp '1970-01-01'), document_id
        ) as version,
        lead(document_id) over (
            partition by centre_id, kind, list_sort(periods)
            order by coalesce(received_at, timestamp '1970-01-01'), document_id
        ) as superseded_by,
        lead(received_at) over (
            partition by centre_id, kind, list_sort(periods)
            order by coalesce(received_at, timestamp '1970-01-01'), document_id
        ) as valid_to
    from documents
)

select
    document_id,
    centre_id,
    kind,
    title,
    file_name,
    origin,
    periods,
    issued_on,
    received_at,
    byte_size,
    extractor_id,
    version,
    superseded_by,
    superseded_by is null as is_current,
    received_at as valid_from,
    valid_to
from versioned
