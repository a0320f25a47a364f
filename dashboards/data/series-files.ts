// One plain JSON file per series (metric × breakdown) and kind of period for Porównanie miast
// (series/<kind>/<slug>.json in the published data): one row per figure, with its centre, period, value,
// flags, as_of_date, and its rate per 10,000 residents from marts.rates with the rate's formula and population
// source (null where no population of its date exists: GUS preferred, else the report's own), so the page
// needs no second file.
// No quotes: the page fetches centre/<centre_id>.json for "skąd ta liczba?".
import type { DuckDBConnection } from "@duckdb/node-api";
import { literal } from "./observation-sql.ts";
import { SERIES_SQL } from "./series.ts";
import { type Row, runQuery } from "./warehouse.ts";

export const SERIES_ROW_COLUMNS = [
  "centre_id",
  "centre_name",
  "period_id",
  "period_kind",
  "year",
  "period_label",
  "value",
  "flags",
  "is_corrected",
  "as_of_date",
  "rate_per_10k",
  "rate_note",
] as const;

/** The file of one series and kind of period: its identity and its figures (ordered by period, then centre). */
export function seriesFile(meta: Row, kind: string, rows: Row[]) {
  return { slug: meta.slug, kind, metric_id: meta.metric_id, breakdown: meta.breakdown, rows };
}

/** Write every series file (or those `only` names: <kind>/<slug>) through `write`, one query per file. */
export async function writeSeriesFiles(
  c: DuckDBConnection,
  write: (name: string, data: string) => Promise<void>,
  only?: ReadonlySet<string>,
): Promise<number> {
  const series = await runQuery(SERIES_SQL, { columns: ["slug", "metric_id", "breakdown", "kinds"] }, c);
  let files = 0;
  // one query per file keeps memory to one series at national scale (2,477 centres × 15 years)
  for (const s of series.rows) {
    for (const kind of s.kinds as string[]) {
      if (only && !only.has(`${kind}/${s.slug}`)) continue;
      const { rows } = await runQuery(
        `select o.centre_id, c.name_pl as centre_name, o.period_id, o.period_kind, o.year,
           coalesce(p.label_pl, o.period_id) as period_label, o.value, coalesce(o.flags, []) as flags,
           coalesce(o.is_corrected, false) as is_corrected, o.as_of_date, r.rate_per_10k,
           r.formula_pl || ' (ludność: ' || r.population_source_pl || ')' as rate_note
         from marts.fct_observation o
         join marts.dim_centre c using (centre_id)
         left join marts.dim_period p using (period_id)
         left join marts.rates r on r.observation_id = o.observation_id
         where o.metric_id = ${literal(String(s.metric_id))}
           and o.breakdown is not distinct from ${s.breakdown === null ? "null" : literal(String(s.breakdown))}
           and o.period_kind = ${literal(kind)}
         order by o.year, o.half nulls first, o.centre_id`,
        { columns: SERIES_ROW_COLUMNS },
        c,
      );
      await write(`series/${kind}/${s.slug}.json`, JSON.stringify(seriesFile(s, kind, rows)));
      files++;
    }
  }
  return files;
}
