-- Reasons for assistance with the share of families they concern. One family can have several
-- reasons, so shares overlap and never sum to 100 %. Rebuilt per centre (partition_by: centre_id).
with reasons as (
    select * from marts.fct_observation
    where metric_id = 'families_by_reason' and period_kind in ('year', 'half_year')
      and centre_id in (select centre_id from build.touched_centres)
),

totals as (
    select centre_id, period_id, case when count(distinct value) = 1 then min(value) end as families_assisted,
        list_distinct(flatten(list(flags))) as total_flags
    from marts.fct_observation
    where metric_id = 'families_assisted' and breakdown is null
      and centre_id in (select centre_id from build.touched_centres)
    group by all
)

select
    r.centre_id,
    r.period_id,
    r.period_kind,
    r.year,
    r.breakdown as reason,
    b.label_pl as reason_label_pl,
    r.value as families,
    t.families_assisted,
    case when t.families_assisted > 0 then r.value / t.families_assisted end as share,
    -- the flags of the figure and of the total its share divides by (a contradicted total: no share, flagged)
    list_distinct(list_concat(r.flags, coalesce(t.total_flags, []::varchar[]))) as flags,
    r.observation_id,
    r.document_id,
    r.line,
    r.quote
from reasons r
left join totals t using (centre_id, period_id)
left join marts.dim_breakdown b on b.vocabulary = 'reason' and b.breakdown_id = r.breakdown
