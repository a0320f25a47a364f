// Jakość danych, what the page needs from the figures without shipping them: the periods, the metrics
// seen, the cells whose figure the document should give and lacks (value null: missing or ambiguous),
// and how many figures carry each flag. Sources of findings are fetched on demand (data/centre/<id>.json).
import { runLoader, runQuery, withSnapshot } from "./warehouse.ts";

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const periods = await runQuery(
      `select distinct o.period_id, coalesce(p.label_pl, o.period_id) as period_label
       from marts.fct_observation o left join marts.dim_period p using (period_id) order by o.period_id`,
      { columns: ["period_id", "period_label"] },
      c,
    );
    const metrics = await runQuery(
      `select distinct o.metric_id, coalesce(m.label_pl, o.metric_id) as metric_label
       from marts.fct_observation o left join marts.dim_metric m using (metric_id) order by o.metric_id`,
      { columns: ["metric_id", "metric_label"] },
      c,
    );
    const lost = await runQuery(
      `select distinct centre_id, period_id, metric_id from marts.fct_observation where value is null
       order by all`,
      { columns: ["centre_id", "period_id", "metric_id"], allowEmpty: true },
      c,
    );
    const flags = await runQuery(
      `select flag, count(*) as n from (select unnest(flags) as flag from marts.fct_observation) group by flag
       order by flag`,
      { columns: ["flag", "n"], allowEmpty: true },
      c,
    );
    const total = await runQuery("select count(*) as n from marts.fct_observation", { columns: ["n"] }, c);
    return JSON.stringify({
      periods: periods.rows,
      metrics: metrics.rows,
      lost: lost.rows.map((r) => [r.centre_id, r.period_id, r.metric_id]),
      flags: Object.fromEntries(flags.rows.map((r) => [r.flag, r.n])),
      figures: total.rows[0]?.n ?? 0,
    });
  }),
);
