// Rodziny's picker of reasons for assistance: which centre and period has them. One row per centre and
// period (at most PAGE_CENTRES centres, data/series.ts). The reasons themselves, one file per centre
// (data/reasons/[centre].json.ts), are fetched when the reader picks one: at national scale all reasons
// of even 20 centres are ~3 MB.
import { PAGE_CENTRES_SQL } from "./series.ts";
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select distinct r.centre_id, c.name_pl as centre_name, r.period_id, r.period_kind, r.year,
     coalesce(p.label_pl, r.period_id) as period_label
   from marts.assistance_reasons r
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   where r.centre_id in (${PAGE_CENTRES_SQL})
   order by r.centre_id, r.year, r.period_kind desc, r.period_id`,
  { columns: ["centre_id", "centre_name", "period_id", "period_kind", "year", "period_label"] },
);
