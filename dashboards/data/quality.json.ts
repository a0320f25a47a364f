// Data-quality findings (flags on figures, failed warning-level data tests), readable by a person.
// One row per finding; an empty list is a legitimate result (a clean snapshot).
import { jsonLoader } from "./warehouse.ts";

await jsonLoader(
  import.meta.url,
  `select q.centre_id, c.name_pl as centre_name, q.period_id, coalesce(p.label_pl, q.period_id) as period_label,
     q.metric_id, m.label_pl as metric_label, q.breakdown, q.document_id, d.title as document_title, q.line,
     q.check_name, q.severity, q.message_pl
   from marts.data_quality q
   left join marts.dim_centre c using (centre_id)
   left join marts.dim_period p using (period_id)
   left join marts.dim_metric m using (metric_id)
   left join marts.dim_document d using (document_id)
   order by q.severity desc, q.centre_id, q.period_id, q.metric_id`,
  {
    columns: [
      "centre_id",
      "centre_name",
      "period_id",
      "period_label",
      "metric_id",
      "metric_label",
      "breakdown",
      "document_id",
      "document_title",
      "line",
      "check_name",
      "severity",
      "message_pl",
    ],
    allowEmpty: true,
  },
);
