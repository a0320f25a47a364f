// The metric catalogue for the data dictionary and chart titles. One row per metric, with its Polish
// description (marts.dim_metric.description_pl, from the catalogue models/seeds/metrics/*.csv); a metric
// without a Polish description fails the build instead of showing English text in the Polish UI.
import { runLoader, runQuery } from "./warehouse.ts";

const COLUMNS = [
  "metric_id",
  "label_pl",
  "unit",
  "aggregation",
  "breakdown_vocabulary",
  "description_pl",
  "legal_basis",
];

await runLoader(import.meta.url, async () => {
  const { rows } = await runQuery(
    `select metric_id, label_pl, unit, aggregation, breakdown_vocabulary, description_pl, legal_basis
     from marts.dim_metric order by metric_id`,
    { columns: COLUMNS },
  );
  const untranslated = rows.filter((r) => !r.description_pl).map((r) => r.metric_id);
  if (untranslated.length > 0)
    throw new Error(
      `metric(s) without a Polish description (description_pl in models/seeds/metrics/*.csv): ${untranslated.join(", ")}`,
    );
  return JSON.stringify(rows);
});
