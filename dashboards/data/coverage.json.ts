// Which figure has a value for which city and period: only the cells that have one (the full grid of
// marts.coverage is centres × periods × every catalogue metric, mostly empty; the page rebuilds it).
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select v.centre_id, c.name_pl as centre_name, v.period_id, coalesce(p.label_pl, v.period_id) as period_label,
     v.metric_id, coalesce(m.label_pl, v.metric_id) as metric_label
   from marts.coverage v
   join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_metric m using (metric_id)
   where v.has_value
   order by v.centre_id, v.metric_id, v.period_id`,
  { columns: ["centre_id", "centre_name", "period_id", "period_label", "metric_id", "metric_label"] },
);
