// Pure helpers over the figures a loader wrote (data/observations.json): series, latest and previous
// comparable period, contradictions. They load nothing and never invent a value: missing stays null.
import { periodOrder, previousComparablePeriod } from "./format.js";
import { breakdownLabel } from "./polish.js";
import type { Provenance } from "./provenance.js";

/** One figure as data/observations.json has it. */
export interface Observation extends Provenance {
  observation_id: string;
  centre_id: string;
  centre_name: string;
  period_id: string;
  period_kind: "year" | "half_year";
  year: number;
  half: number | null;
  period_label: string;
  as_of_date: string | null;
  metric_id: string;
  metric_label: string | null;
  aggregation: string | null;
  breakdown: string | null;
  breakdown_label: string | null;
  value: number | null;
  unit: string;
  document_id: string;
  document_title: string | null;
  file_name: string | null;
  issued_on: string | null;
  line: number;
  quote: string;
  label: string;
  flags: string[];
  note: string | null;
  is_corrected: boolean;
}

/** The core metrics of the data contract: what a committee compares across cities first. */
export const CORE_METRICS = [
  "families_assisted",
  "families_by_reason",
  "families_social_work",
  "families_social_work_only",
  "families_family_benefits",
  "families_alimony_fund",
  "nk_a_forms",
  "nk_working_groups",
  "social_workers",
  "residents",
  "family_assistants",
  "families_with_family_assistant",
  "children_in_families_with_family_assistant",
];

export const seriesKey = (o: { metric_id: string; breakdown: string | null }) =>
  `${o.metric_id}|${o.breakdown ?? ""}`;

export const seriesLabel = (
  o: Pick<Observation, "metric_id" | "metric_label" | "breakdown" | "breakdown_label">,
) =>
  `${o.metric_label ?? o.metric_id}${o.breakdown ? ` – ${breakdownLabel(o.breakdown, o.breakdown_label)}` : ""}`;

/** A cell's value: the one value its figures agree on; null when missing or when they contradict each other. */
export function agreedValue(rows: Observation[]): number | null {
  const values = [...new Set(rows.map((r) => r.value).filter((v): v is number => v !== null))];
  return values.length === 1 ? (values[0] as number) : null;
}

export const isContradictory = (rows: Observation[]) =>
  new Set(rows.map((r) => r.value).filter((v) => v !== null)).size > 1;

export interface SeriesPoint {
  period_id: string;
  period_label: string;
  period_kind: string;
  rows: Observation[];
  value: number | null;
}

export interface Series {
  key: string;
  centre_id: string;
  centre_name: string;
  metric_id: string;
  label: string;
  unit: string;
  aggregation: string | null;
  points: SeriesPoint[];
}

/** The figures of one city grouped into series (metric × breakdown), periods in time order. */
export function seriesOf(observations: Observation[], centreId?: string): Series[] {
  const out = new Map<string, Series>();
  for (const o of observations) {
    if (centreId && o.centre_id !== centreId) continue;
    const key = `${o.centre_id}|${seriesKey(o)}`;
    let s = out.get(key);
    if (!s) {
      s = {
        key,
        centre_id: o.centre_id,
        centre_name: o.centre_name,
        metric_id: o.metric_id,
        label: seriesLabel(o),
        unit: o.unit,
        aggregation: o.aggregation,
        points: [],
      };
      out.set(key, s);
    }
    let p = s.points.find((x) => x.period_id === o.period_id);
    if (!p) {
      p = {
        period_id: o.period_id,
        period_label: o.period_label,
        period_kind: o.period_kind,
        rows: [],
        value: null,
      };
      s.points.push(p);
    }
    p.rows.push(o);
  }
  for (const s of out.values()) {
    for (const p of s.points) p.value = agreedValue(p.rows);
    s.points.sort((a, b) => periodOrder(a.period_id) - periodOrder(b.period_id));
  }
  return [...out.values()];
}

export interface Change {
  latest: SeriesPoint;
  previous: SeriesPoint | null;
  delta: number | null;
  ratio: number | null;
}

/** The latest period of a series and the same kind of period a year earlier (2013-H1 vs 2012-H1). */
export function latestChange(series: Series): Change | null {
  const latest = series.points.at(-1);
  if (!latest) return null;
  const previousId = previousComparablePeriod(latest.period_id);
  const previous = series.points.find((p) => p.period_id === previousId) ?? null;
  const delta =
    previous && latest.value !== null && previous.value !== null ? latest.value - previous.value : null;
  const ratio = delta !== null && previous?.value ? delta / previous.value : null;
  return { latest, previous, delta, ratio };
}

/** The latest year (or else half-year) for which a city has the given metric without a breakdown. */
export function latestFigure(
  observations: Observation[],
  centreId: string,
  metricId: string,
): Observation | null {
  const rows = observations
    .filter(
      (o) => o.centre_id === centreId && o.metric_id === metricId && o.breakdown === null && o.value !== null,
    )
    .sort((a, b) => periodOrder(b.period_id) - periodOrder(a.period_id));
  return rows[0] ?? null;
}
