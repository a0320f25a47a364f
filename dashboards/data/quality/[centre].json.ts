// One centre's data quality for Jakość danych: which metrics have a value in which period (coverage) and
// its findings (flags, failed warning-level data tests). The page fetches this file (copied as
// data/quality/<centre_id>.json, observablehq.config.ts) when the reader picks the centre, so it never ships
// every centre's coverage. `--centre _` gives the findings tied to no centre. A batch of centres is one
// query per table (dashboards/publish-data.ts).
import { byCentre, CENTRE_KEY, centreIn, runCentreLoader, runQuery } from "../warehouse.ts";

await runCentreLoader(import.meta.url, async (c, centreIds) => {
  const coverage = await runQuery(
    `select v.centre_id as ${CENTRE_KEY}, v.period_id, coalesce(p.label_pl, v.period_id) as period_label, v.metric_id,
         coalesce(m.label_pl, v.metric_id) as metric_label
       from marts.coverage v
       left join marts.dim_period p using (period_id)
       left join marts.dim_metric m using (metric_id)
       where v.has_value and ${centreIn("v.centre_id", centreIds)}
       order by v.metric_id, v.period_id`,
    { columns: ["period_id", "period_label", "metric_id", "metric_label"], allowEmpty: true },
    c,
  );
  const quality = await runQuery(
    `select q.centre_id as ${CENTRE_KEY}, q.centre_id, c.name_pl as centre_name, q.period_id,
         coalesce(p.label_pl, q.period_id) as period_label,
         q.metric_id, m.label_pl as metric_label, q.breakdown, q.document_id, d.title as document_title, q.line,
         q.check_name, q.severity, q.message_pl
       from marts.data_quality q
       left join marts.dim_centre c using (centre_id)
       left join marts.dim_period p using (period_id)
       left join marts.dim_metric m using (metric_id)
       left join marts.dim_document d using (document_id)
       where ${centreIn("q.centre_id", centreIds)}
       order by q.severity desc, q.period_id, q.metric_id, q.breakdown nulls first, q.check_name, q.document_id, q.line`,
    { columns: ["check_name", "severity", "message_pl"], allowEmpty: true },
    c,
  );
  const coverageOf = byCentre(coverage.rows, centreIds);
  const qualityOf = byCentre(quality.rows, centreIds);
  return new Map(
    centreIds.map((id) => [
      id,
      JSON.stringify({ centre_id: id, coverage: coverageOf.get(id), quality: qualityOf.get(id) }),
    ]),
  );
});
