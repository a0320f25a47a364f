// Series of figures (metric × breakdown) across centres, for Porównanie miast: the list (data/compare.json)
// and one compact file per series and kind of period (data/series.tar → data/series/<kind>/<slug>.json,
// kind year or half_year). The slug is metric_id, or metric_id--breakdown.

/** One row per series: its slug, labels, unit, and the number of centres with a value in it. */
export const SERIES_SQL = `
  select o.metric_id || coalesce('--' || o.breakdown, '') as slug, o.metric_id, o.breakdown,
    coalesce(m.label_pl, o.metric_id) || coalesce(' – ' || coalesce(b.label_pl, case when o.breakdown is not null then 'podział spoza słownika' end), '') as label,
    min(o.unit) as unit, count(distinct o.centre_id) filter (where o.value is not null) as cities,
    list(distinct o.period_kind order by o.period_kind desc) as kinds
  from marts.fct_observation o
  left join marts.dim_metric m using (metric_id)
  left join marts.dim_breakdown b on b.vocabulary = m.breakdown_vocabulary and b.breakdown_id = o.breakdown
  where regexp_full_match(o.metric_id || coalesce(o.breakdown, ''), '[a-z0-9_]+')
  group by all
  order by label`;

/**
 * Pages that chart every centre at once (Rodziny, Niebieska Karta) show at most PAGE_CENTRES: all when
 * there are few, else those with the most families assisted in their latest year (as Przegląd). At
 * national scale (2,477 gminas) the rest are on the city pages and in Porównanie miast.
 */
export const PAGE_CENTRES = 20;
export const PAGE_CENTRES_SQL = `
  select centre_id from marts.dim_centre c
  left join (
    select centre_id, arg_max(value, year) as families from marts.fct_observation
    where metric_id = 'families_assisted' and breakdown is null and period_kind = 'year' and value is not null
    group by all
  ) l using (centre_id)
  order by l.families desc nulls last, c.centre_id
  limit ${PAGE_CENTRES}`;
