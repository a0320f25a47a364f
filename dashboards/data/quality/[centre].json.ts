// One centre's data quality for Jakość danych: which metrics have a value in which period (coverage) and
// its findings (flags, failed warning-level data tests). The page fetches this file (copied as
// data/quality/<centre_id>.json, observablehq.config.ts) when the reader picks the centre, so it never ships
// every centre's coverage. `--centre _` gives the findings tied to no centre.
import { literal } from "../observation-sql.ts";
import { checkCentreId, runCentreLoader, runQuery } from "../warehouse.ts";

await runCentreLoader(import.meta.url, async (c, centreId) => {
  checkCentreId(centreId);
  const where = centreId === "_" ? "is null" : `= ${literal(centreId)}`;
  const coverage = await runQuery(
    `select v.period_id, coalesce(p.label_pl, v.period_id) as period_label, v.metric_id,
         coalesce(m.label_pl, v.metric_id) as metric_label
       from marts.coverage v
       left join marts.dim_period p using (period_id)
       left join marts.dim_metric m using (metric_id)
       where v.has_value and v.centre_id ${where}
       order by v.metric_id, v.period_id`,
    { columns: ["period_id", "period_label", "metric_id", "metric_label"], allowEmpty: true },
    c,
  );
  const quality = await runQuery(
    `select q.centre_id, c.name_pl as centre_name, q.period_id, coalesce(p.label_pl, q.period_id) as period_label,
         q.metric_id, m.label_pl as metric_label, q.breakdown, q.document_id, d.title as document_title, q.line,
         q.check_name, q.severity, q.message_pl
       from marts.data_quality q
       left join marts.dim_centre c using (centre_id)
       left join marts.dim_period p using (period_id)
       left join marts.dim_metric m using (metric_id)
       left join marts.dim_document d using (document_id)
       where q.centre_id ${where}
       order by q.severity desc, q.period_id, q.metric_id`,
    { columns: ["check_name", "severity", "message_pl"], allowEmpty: true },
    c,
  );
  return JSON.stringify({ centre_id: centreId, coverage: coverage.rows, quality: quality.rows });
});
