// Niebieska Karta: NK-A forms and working groups by year and half-year; derived H2 (year − H1) and the
// 2023 series break are marked. One row per centre, period and metric. No quotes: "skąd ta liczba?" fetches
// the centre's file (data/centre/<centre_id>.json) when asked, by the figure's observation_id; a derived H2
// by its formula ("412 − 209") and the ids of both figures.
import { PAGE_CENTRES_SQL } from "./series.ts";
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select n.centre_id, c.name_pl as centre_name, n.period_id, n.period_kind, n.year, n.half,
     coalesce(p.label_pl, n.period_id) as period_label, n.metric_id, m.label_pl as metric_label, n.value,
     n.is_derived, n.is_series_break, n.observation_id, n.formula_pl, n.source_ids, n.flags
   from marts.niebieska_karta n
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_metric m using (metric_id)
   where n.centre_id in (${PAGE_CENTRES_SQL})
   order by n.centre_id, n.metric_id, n.year, n.half nulls last`,
  {
    columns: [
      "centre_id",
      "centre_name",
      "period_id",
      "period_kind",
      "year",
      "half",
      "period_label",
      "metric_id",
      "metric_label",
      "value",
      "is_derived",
      "is_series_break",
      "observation_id",
    ],
  },
);
