-- Families receiving assistance and the main forms of support, one row per centre and period.
-- Where a report states the same figure twice with different values, the cell stays null (see data_quality)
-- and the row's flags say contradiction, with the column in flagged_metrics.
-- Rebuilt per centre (partition_by: centre_id).
with figures as (
    select centre_id, period_id, period_kind, year, half, metric_id, value, flags
    from marts.fct_observation
    where centre_id in (select centre_id from build.touched_centres)
      and breakdown is null
      and period_kind in ('year', 'half_year') -- never a span or an undated figure
      and metric_id in ('families_assisted', 'families_social_work', 'families_social_work_only',
                        'families_family_benefits', 'families_alimony_fund')
),

single_values as (
    select
        centre_id, period_id, period_kind, year, half, metric_id,
        case when count(distinct value) = 1 then min(value) end as value,
        list_distinct(flatten(list(flags))) as flags
    from figures
    group by all
)

select
    centre_id,
    period_id,
    any_value(period_kind) as period_kind,
    any_value(year) as year,
    any_value(half) as half,
    max(value) filter (where metric_id = 'families_assisted') as families_assisted,
    max(value) filter (where metric_id = 'families_social_work') as families_social_work,
    max(value) filter (where metric_id = 'families_social_work_only') as families_social_work_only,
    max(value) filter (where metric_id = 'families_family_benefits') as families_family_benefits,
    max(value) filter (where metric_id = 'families_alimony_fund') as families_alimony_fund,
    -- a contradicted, assumed or derived figure keeps its flag here: which flags, and on which columns
    list_sort(list_distinct(flatten(list(flags)))) as flags,
    list_sort(list(metric_id) filter (where len(flags) > 0)) as flagged_metrics
from single_values
group by centre_id, period_id
