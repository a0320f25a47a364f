// One compact file per series (metric × breakdown) and kind of period for Porównanie miast, as members of
// one archive (data/series/<kind>/<slug>.json; one process instead of one per file). Each holds the periods
// (with the as_of_date most of their figures have) and one row per figure: [centre index (data/compare.json
// centres), period index, value, flag-set index, corrected (0/1), as_of_date], trailing defaults (0, 0, the
// period's as_of_date) left out: at national scale (2,477 centres × 15 years) a file is a few hundred kB.
// `rates`, aligned with the rows, is each figure's rate per 10,000 residents from marts.rates (null where no
// population of its date exists: GUS preferred, else the report's own), and `rate_notes` the index of its
// formula and population source in `rate_texts`, so the page needs no second file.
// No quotes: the page fetches data/centre/<centre_id>.json for "skąd ta liczba?".
import { literal } from "./observation-sql.ts";
import { SERIES_SQL } from "./series.ts";
import { type Row, runLoader, runQuery, toTar, withSnapshot } from "./warehouse.ts";

interface Period {
  period_id: string;
  period_kind: string;
  year: number;
  period_label: string;
  as_of_date: string | null;
}

/** The file of one series and kind of period from its figures (ordered by period, then centre). */
export function seriesFile(meta: Row, kind: string, rows: Row[]) {
  const asOfCounts = new Map<string, Map<string | null, number>>();
  for (const r of rows) {
    const counts = asOfCounts.get(String(r.period_id)) ?? new Map<string | null, number>();
    const d = (r.as_of_date as string | null) ?? null;
    counts.set(d, (counts.get(d) ?? 0) + 1);
    asOfCounts.set(String(r.period_id), counts);
  }
  const commonAsOf = new Map(
    [...asOfCounts].map(([pid, counts]) => [pid, [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null]),
  );
  const periods: Period[] = [];
  const periodIndex = new Map<string, number>();
  const flagsets: string[][] = [[]];
  const flagIndex = new Map<string, number>([["", 0]]);
  const out = rows.map((r) => {
    const pid = String(r.period_id);
    if (!periodIndex.has(pid)) {
      periodIndex.set(pid, periods.length);
      periods.push({
        period_id: pid,
        period_kind: String(r.period_kind),
        year: Number(r.year),
        period_label: String(r.period_label),
        as_of_date: commonAsOf.get(pid) ?? null,
      });
    }
    const flags = (r.flags as string[] | null) ?? [];
    const fk = flags.join(",");
    if (!flagIndex.has(fk)) {
      flagIndex.set(fk, flagsets.length);
      flagsets.push(flags);
    }
    const asOf = (r.as_of_date as string | null) ?? null;
    const row: unknown[] = [
      r.centre,
      periodIndex.get(pid),
      r.value,
      flagIndex.get(fk),
      r.is_corrected ? 1 : 0,
    ];
    if (asOf !== (commonAsOf.get(pid) ?? null)) row.push(asOf);
    else while (row.length > 3 && row.at(-1) === 0) row.pop();
    return row;
  });
  const rates = rows.map((r) => (r.rate_per_10k as number | null) ?? null);
  const rateTexts: string[] = [];
  const rateIndex = new Map<string, number>();
  const rateNotes = rows.map((r) => {
    if (r.rate_note === null || r.rate_note === undefined) return null;
    const t = String(r.rate_note);
    if (!rateIndex.has(t)) {
      rateIndex.set(t, rateTexts.length);
      rateTexts.push(t);
    }
    return rateIndex.get(t) as number;
  });
  return {
    slug: meta.slug,
    kind,
    metric_id: meta.metric_id,
    breakdown: meta.breakdown,
    periods,
    flagsets,
    rows: out,
    ...(rates.some((r) => r !== null) ? { rates, rate_notes: rateNotes, rate_texts: rateTexts } : {}),
  };
}

await runLoader(import.meta.url, () =>
  withSnapshot(async (c) => {
    const series = await runQuery(SERIES_SQL, { columns: ["slug", "metric_id", "breakdown", "kinds"] }, c);
    const encoder = new TextEncoder();
    const files: { name: string; data: Uint8Array }[] = [];
    // one query per file keeps memory to one series at national scale (2,477 centres × 15 years)
    for (const s of series.rows) {
      for (const kind of s.kinds as string[]) {
        const { rows } = await runQuery(
          `select ci.i as centre, o.period_id, o.period_kind, o.year, coalesce(p.label_pl, o.period_id) as period_label,
             o.value, o.flags, o.is_corrected, o.as_of_date, r.rate_per_10k,
             r.formula_pl || ' (ludność: ' || r.population_source_pl || ')' as rate_note
           from marts.fct_observation o
           join (select centre_id, row_number() over (order by centre_id) - 1 as i from marts.dim_centre) ci
             using (centre_id)
           left join marts.dim_period p using (period_id)
           left join marts.rates r on r.observation_id = o.observation_id
           where o.metric_id = ${literal(String(s.metric_id))}
             and o.breakdown is not distinct from ${s.breakdown === null ? "null" : literal(String(s.breakdown))}
             and o.period_kind = ${literal(kind)}
           order by o.year, o.half nulls first, ci.i`,
          { columns: ["centre", "period_id", "value", "flags"] },
          c,
        );
        files.push({
          name: `${kind}/${s.slug}.json`,
          data: encoder.encode(JSON.stringify(seriesFile(s, kind, rows))),
        });
      }
    }
    return toTar(files);
  }),
);
