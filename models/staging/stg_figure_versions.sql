-- Which version of each figure is current. A document superseded as a whole (a re-issue of the same
-- centre, kind and periods) has no current figure; and where two current editions of the same report
-- kind state the same figure (next year's Wrocław edition repeats the earlier years), the figure of the
-- newest edition is current and the older one moves to history: one current value per figure and source.
-- Figures from different kinds of report are never weighed against each other here: a disagreement between
-- sources stays visible (the one_value_per_figure test of the fact table).
with figures as (
    select
        o.observation_id,
        o.document_id,
        o.centre_id,
        d.kind,
        o.period_id,
        o.metric_id,
        coalesce(o.breakdown, '') as breakdown_key,
        o.as_of_date,
        d.is_current as document_is_current,
        d.superseded_by as document_superseded_by,
        d.valid_to as document_valid_to,
        -- the newest edition: the one reaching the latest period, then issued, then received last
        list_sort(d.periods)[-1] as edition_end,
        d.issued_on,
        d.received_at
    from staging.stg_observations o
    join staging.stg_documents d using (document_id)
    where o.centre_id in (select centre_id from build.touched_centres)
        and d.centre_id in (select centre_id from build.touched_centres)
),

newest_edition as (
    select distinct on (centre_id, kind, period_id, metric_id, breakdown_key, as_of_date)
        centre_id, kind, period_id, metric_id, breakdown_key, as_of_date,
        document_id as newest_document_id,
        received_at as newest_received_at
    from figures
    where document_is_current
    order by centre_id, kind, period_id, metric_id, breakdown_key, as_of_date,
        edition_end desc nulls last, issued_on desc nulls last, received_at desc nulls last, document_id desc
)

select
    f.observation_id,
    f.document_id,
    -- the centre's figures depend on its own documents only: the model is rebuilt per centre
    -- (partition_by: centre_id in its .yml)
    f.centre_id,
    f.document_is_current and n.newest_document_id = f.document_id as is_current,
    case
        when not f.document_is_current then f.document_superseded_by
        when n.newest_document_id <> f.document_id then n.newest_document_id
    end as superseded_by,
    case
        when not f.document_is_current then f.document_valid_to
        when n.newest_document_id <> f.document_id then n.newest_received_at
    end as valid_to
from figures f
left join newest_edition n
    on n.centre_id = f.centre_id and n.kind = f.kind and n.period_id = f.period_id
    and n.metric_id = f.metric_id and n.breakdown_key = f.breakdown_key
    and n.as_of_date is not distinct from f.as_of_date
