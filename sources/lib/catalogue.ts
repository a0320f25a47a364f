import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { csvParse } from "d3";
import { z } from "zod";
import { normaliseLabel } from "./document.ts";

/** The catalogue is data: CSV files under models/seeds, read here and loaded as seeds into the warehouse. */
export const SEEDS_DIR = fileURLToPath(new URL("../../models/seeds/", import.meta.url));

export const Aggregation = z.enum(["flow", "distinct_count", "stock"]);
export const MetricDefinition = z.object({
  metric_id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label_pl: z.string().min(1),
  unit: z.string().min(1),
  /** flow: additive over periods (H1 + H2 = year); distinct_count: never summed; stock: a level at a time. */
  aggregation: Aggregation,
  breakdown_vocabulary: z.string().transform((s) => (s === "" ? null : s)),
  description: z.string().min(1),
  legal_basis: z.string().transform((s) => (s === "" ? null : s)),
});
export type MetricDefinition = z.infer<typeof MetricDefinition>;

export const BreakdownDefinition = z.object({
  vocabulary: z.string().min(1),
  breakdown_id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label_pl: z.string().min(1),
  /** A regular expression matched against the normalised Polish label (no diacritics, lower case). */
  match_pl: z.string().min(1),
});
export type BreakdownDefinition = z.infer<typeof BreakdownDefinition>;

function readCsv<T>(file: string, schema: z.ZodType<T>): T[] {
  return csvParse(readFileSync(file, "utf8")).map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) throw new Error(`${file}, row ${i + 2}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}

let metrics: Map<string, MetricDefinition> | undefined;

/** Every metric of models/seeds/metrics/*.csv by id; an id defined twice is an error. */
export function metricCatalogue(): Map<string, MetricDefinition> {
  if (metrics) return metrics;
  const dir = join(SEEDS_DIR, "metrics");
  const out = new Map<string, MetricDefinition>();
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort()) {
    for (const m of readCsv(join(dir, f), MetricDefinition)) {
      if (out.has(m.metric_id)) throw new Error(`metric ${m.metric_id} is defined twice (again in ${f})`);
      out.set(m.metric_id, m);
    }
  }
  metrics = out;
  return out;
}

let breakdowns: BreakdownDefinition[] | undefined;

export function breakdownCatalogue(): BreakdownDefinition[] {
  breakdowns ??= readCsv(join(SEEDS_DIR, "breakdowns.csv"), BreakdownDefinition);
  return breakdowns;
}

/**
 * The breakdown id for a Polish label ("bezradności w sprawach opiekuńczo- wychowawczych" →
 * parenting_helplessness), or null when the vocabulary has no match. Matching is on the
 * normalised label, so case, diacritics and wrapping do not matter.
 */
export function matchBreakdown(vocabulary: string, label: string): string | null {
  const norm = normaliseLabel(label);
  for (const b of breakdownCatalogue()) {
    if (b.vocabulary === vocabulary && new RegExp(normaliseLabel(b.match_pl)).test(norm))
      return b.breakdown_id;
  }
  return null;
}

/** The unit a metric is measured in; throws for an id that is not in the catalogue. */
export function unitOf(metricId: string): string {
  const m = metricCatalogue().get(metricId);
  if (!m) throw new Error(`metric ${metricId} is not in models/seeds/metrics/*.csv`);
  return m.unit;
}
