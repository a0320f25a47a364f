// The metric catalogue for the data dictionary and chart titles. One row per metric, with its Polish
// description (the catalogue's description_pl column, models/seeds/metrics/*.csv). marts.dim_metric does not
// carry that column yet, so it is read from the catalogue as the snapshot holds it (seeds.metrics); a
// metric without a Polish description fails the build instead of showing English text in the Polish UI.
import { runLoader, runQuery, withSnapshot } from "./warehouse.ts";

const COLUMNS = [
  "metric_id",
  "label_pl",
  "unit",
  "aggregation",
  "breakdown_vocabulary",
  "description_pl",
  "legal_basis",
];

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const has = async (table: string) =>
      (
        await runQuery(
          `select count(*) as n from information_schema.columns
           where table_schema || '.' || table_name = '${table}' and column_name = 'description_pl'`,
          { columns: ["n"] },
          c,
        )
      ).rows[0]?.n !== 0;
    const source = (await has("marts.dim_metric"))
      ? "m.description_pl"
      : (await has("seeds.metrics"))
        ? "(select nullif(trim(s.description_pl), '') from seeds.metrics s where s.metric_id = m.metric_id)"
        : null;
    if (!source)
      throw new Error("the metric catalogue has no description_pl column (models/seeds/metrics/*.csv)");
    const { rows } = await runQuery(
      `select m.metric_id, m.label_pl, m.unit, m.aggregation, m.breakdown_vocabulary, ${source} as description_pl,
         m.legal_basis
       from marts.dim_metric m order by m.metric_id`,
      { columns: COLUMNS },
      c,
    );
    const untranslated = rows.filter((r) => !r.description_pl).map((r) => r.metric_id);
    if (untranslated.length > 0)
      throw new Error(
        `metric(s) without a Polish description (description_pl in models/seeds/metrics/*.csv): ${untranslated.join(", ")}`,
      );
    return JSON.stringify(rows);
  }),
);
