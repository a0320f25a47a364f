import type { Gmina } from "./gminas.ts";
import { between } from "./random.ts";

/** One figure of a gmina's annual report: a metric (with breakdown) as a row of its "DANE ILOŚCIOWE" table. */
export interface Slot {
  metricId: string;
  breakdown: string | null;
  unit: string;
  aggregation: "flow" | "distinct_count" | "stock";
  /** The row label as the report writes it (Polish). */
  label: string;
  /** Value for the whole year, given the gmina's families on assistance (F) and residents (P). */
  base: (F: number, P: number, year: number) => number;
}

/** Reasons for assistance (art. 7 u.p.s.) with the share of assisted families they concern. */
const REASONS: readonly [id: string, label: string, share: number][] = [
  ["poverty", "ubóstwo", 0.62],
  ["orphanhood", "sieroctwo", 0.004],
  ["homelessness", "bezdomność", 0.035],
  ["unemployment", "bezrobocie", 0.38],
  ["disability", "niepełnosprawność", 0.36],
  ["long_term_illness", "długotrwała lub ciężka choroba", 0.41],
  ["domestic_violence", "przemoc w rodzinie", 0.03],
  ["human_trafficking_victims", "potrzeba ochrony ofiar handlu ludźmi", 0.0005],
  ["maternity_large_family", "potrzeba ochrony macierzyństwa lub wielodzietności", 0.08],
  ["parenting_helplessness", "bezradność w sprawach opiekuńczo-wychowawczych", 0.19],
  ["foreigner_integration", "trudności w integracji cudzoziemców", 0.006],
  ["prison_release", "trudności w przystosowaniu do życia po zwolnieniu z zakładu karnego", 0.02],
  ["alcoholism", "alkoholizm", 0.08],
  ["drug_addiction", "narkomania", 0.009],
  ["random_event_crisis", "zdarzenie losowe i sytuacja kryzysowa", 0.015],
  ["natural_disaster", "klęska żywiołowa lub ekologiczna", 0.002],
];

const PROGRAMMES: readonly [id: string | null, label: string, share: number][] = [
  [null, "ogółem", 1],
  ["wma", "w projekcie „Aktywna Gmina”", 0.55],
  ["mops", "zatrudnieni w ośrodku", 0.45],
];

/**
 * Metrics of the benchmark that are not in the project's catalogue: added to seeds.metrics by the
 * benchmark's builds only (written as bench-metrics.csv next to the observations).
 */
export const BENCH_METRICS: readonly {
  metric_id: string;
  label_pl: string;
  unit: string;
  aggregation: "flow" | "distinct_count" | "stock";
  per: number;
}[] = [
  {
    metric_id: "bench_psych_support_persons",
    label_pl: "Osoby objęte wsparciem psychologiczno-pedagogicznym",
    unit: "persons",
    aggregation: "distinct_count",
    per: 0.0011,
  },
  {
    metric_id: "bench_therapy_sessions",
    label_pl: "Sesje terapeutyczne",
    unit: "sessions",
    aggregation: "flow",
    per: 0.0035,
  },
  {
    metric_id: "bench_home_visits",
    label_pl: "Wizyty pracowników socjalnych w środowisku rodzinnym",
    unit: "visits",
    aggregation: "flow",
    per: 0.006,
  },
  {
    metric_id: "bench_interventions",
    label_pl: "Interwencje w sytuacjach zagrożenia zdrowia lub życia",
    unit: "interventions",
    aggregation: "flow",
    per: 0.0002,
  },
  {
    metric_id: "bench_trainings",
    label_pl: "Szkolenia pracowników ośrodka",
    unit: "trainings",
    aggregation: "flow",
    per: 0.00008,
  },
  {
    metric_id: "bench_supervision_hours",
    label_pl: "Godziny superwizji pracy socjalnej",
    unit: "hours",
    aggregation: "flow",
    per: 0.0005,
  },
];

/** Families fall slowly over 2011–2025 (as they did nationally); counts are scaled by this. */
const trend = (year: number) => 1.25 - 0.025 * (year - 2011);

/** The ~40 figures each gmina reports for a year and its first half-year. */
export const SLOTS: readonly Slot[] = [
  {
    metricId: "families_assisted",
    breakdown: null,
    unit: "families",
    aggregation: "distinct_count",
    label: "Liczba rodzin korzystających z pomocy społecznej",
    base: (F) => F,
  },
  ...REASONS.map(
    ([id, label, share]): Slot => ({
      metricId: "families_by_reason",
      breakdown: id,
      unit: "families",
      aggregation: "distinct_count",
      label,
      base: (F, _P, year) => F * share * (id === "unemployment" ? 1.6 - 0.06 * (year - 2011) : 1),
    }),
  ),
  {
    metricId: "families_social_work",
    breakdown: null,
    unit: "families",
    aggregation: "distinct_count",
    label: "Praca socjalna",
    base: (F) => F * 0.36,
  },
  {
    metricId: "families_social_work_only",
    breakdown: null,
    unit: "families",
    aggregation: "distinct_count",
    label: "wyłącznie praca socjalna",
    base: (F) => F * 0.07,
  },
  {
    metricId: "families_family_benefits",
    breakdown: null,
    unit: "families",
    aggregation: "distinct_count",
    label: "Liczba rodzin pobierających świadczenia rodzinne",
    base: (_F, P) => P * 0.021,
  },
  {
    metricId: "families_alimony_fund",
    breakdown: null,
    unit: "families",
    aggregation: "distinct_count",
    label: "Liczba rodzin pobierająca świadczenie z funduszu alimentacyjnego",
    base: (_F, P) => P * 0.0045,
  },
  {
    metricId: "nk_a_forms",
    breakdown: null,
    unit: "forms",
    aggregation: "flow",
    label: "Liczba założonych NK-A",
    base: (_F, P) => P * 0.0013,
  },
  {
    metricId: "nk_working_groups",
    breakdown: null,
    unit: "groups",
    aggregation: "flow",
    label: "Liczba powołanych grup roboczych",
    base: (_F, P) => P * 0.0011,
  },
  {
    metricId: "social_workers",
    breakdown: null,
    unit: "persons",
    aggregation: "stock",
    label: "Liczba pracowników socjalnych terenowych",
    base: (_F, P) => Math.max(1, P / 2300),
  },
  {
    metricId: "residents",
    breakdown: null,
    unit: "persons",
    aggregation: "stock",
    label: "Liczba mieszkańców",
    base: (_F, P) => P,
  },
  ...PROGRAMMES.map(
    ([id, label, share]): Slot => ({
      metricId: "family_assistants",
      breakdown: id,
      unit: "persons",
      aggregation: "stock",
      label: `Asystenci rodziny ${label}`,
      base: (_F, P) => Math.max(1, (P / 14_000) * share),
    }),
  ),
  ...PROGRAMMES.map(
    ([id, label, share]): Slot => ({
      metricId: "families_with_family_assistant",
      breakdown: id,
      unit: "families",
      aggregation: "distinct_count",
      label: `Rodziny objęte wsparciem asystenta rodziny ${label}`,
      base: (_F, P) => Math.max(1, (P / 14_000) * share * 17),
    }),
  ),
  ...PROGRAMMES.map(
    ([id, label, share]): Slot => ({
      metricId: "children_in_families_with_family_assistant",
      breakdown: id,
      unit: "children",
      aggregation: "distinct_count",
      label: `Dzieci w rodzinach objętych wsparciem asystenta ${label}`,
      base: (_F, P) => Math.max(1, (P / 14_000) * share * 31),
    }),
  ),
  ...BENCH_METRICS.map(
    (m): Slot => ({
      metricId: m.metric_id,
      breakdown: null,
      unit: m.unit,
      aggregation: m.aggregation,
      label: m.label_pl,
      base: (_F, P) => P * m.per,
    }),
  ),
];

/** The values of one slot for a year and its first half-year (null for the half-year when the slot has none). */
export function slotValues(
  slot: Slot,
  g: Gmina,
  year: number,
  r: () => number,
): { year: number; h1: number } {
  const P = g.population * (1 + 0.004 * (year - 2018));
  const F = P * g.assistanceRate * trend(year);
  const y = Math.max(0, Math.round(slot.base(F, P, year) * between(r, 0.93, 1.07)));
  let h1: number;
  if (slot.aggregation === "stock") h1 = slot.metricId === "residents" ? Math.round(y * 1.001) : y;
  else if (slot.aggregation === "flow") h1 = Math.round(y * between(r, 0.44, 0.56));
  else h1 = Math.round(y * between(r, 0.72, 0.9));
  return { year: y, h1 };
}

/** Polish thousands separator: 10 309, 631 235. */
export function formatPl(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}
