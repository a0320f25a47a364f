-- Every version of every figure, with the document it came from and when that version was valid.
-- Nothing is ever deleted: a superseded report keeps its figures here.
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
    d.is_current,
    d.superseded_by,
    d.valid_from,
    d.valid_to
from staging.stg_observations o
join staging.stg_documents d using (document_id)
