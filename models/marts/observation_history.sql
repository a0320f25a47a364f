-- Every version of every figure, with the document it came from and when that version was valid.
-- Nothing is ever deleted: a superseded report, or a figure a newer edition restates, stays here.
-- Rebuilt per centre (partition_by: centre_id).
select
    o.observation_id,
    o.centre_id,
    o.period_id,
    o.metric_id,
    o.breakdown,
    o.value,
    o.unit,
    o.document_id,
    o.line,
    o.quote,
    o.flags,
    d.version,
    v.is_current,
    v.superseded_by,
    d.valid_from,
    v.valid_to
from staging.stg_observations o
join staging.stg_documents d using (document_id)
join staging.stg_figure_versions v using (observation_id)
where o.centre_id in (select centre_id from build.touched_centres)
    and d.centre_id in (select centre_id from build.touched_centres)
    and v.centre_id in (select centre_id from build.touched_centres)
