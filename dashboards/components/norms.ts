// Staffing norms as the pages show them (marts.staffing): the measure's name, the verdict in Polish with
// its colour, and "skąd ta liczba?" for the ratio itself (its formula and the figures it came from).
import { html } from "htl";
import { sourceOnDemand } from "./centre-data.js";
import { formatDecimal, MISSING } from "./format.js";
import { type BasisRow, footnoteBases } from "./legal-basis.js";

export const MEASURE_LABELS: Record<string, string> = {
  residents_per_social_worker: "Mieszkańcy na pracownika socjalnego",
  families_in_social_work_per_social_worker: "Rodziny w pracy socjalnej na pracownika socjalnego",
  families_per_family_assistant: "Rodziny na asystenta rodziny",
  families_per_family_assistant_year_end: "Rodziny na asystenta rodziny na koniec roku (szacunek)",
};

export type Verdict = "w normie" | "powyżej normy" | "nieporównywalne" | "brak danych";

export interface StaffingRow {
  centre_id: string;
  period_id: string;
  ratio: number | null;
  verdict?: Verdict | null;
  exceeds_norm: boolean | null;
  formula_pl?: string | null;
  source_ids?: string[] | null;
  numerator_observation_id?: string | null;
  denominator_observation_id?: string | null;
  subtracted_observation_id?: string | null;
  population_source?: string | null;
  numerator_label_pl?: string | null;
  is_whole_year_count?: boolean;
  is_estimate?: boolean | null;
}

/** The verdict a row states (older files carry exceeds_norm only). */
export function verdictOf(s: StaffingRow): Verdict {
  if (s.verdict) return s.verdict;
  if (s.ratio === null) return "brak danych";
  return s.exceeds_norm === null ? "nieporównywalne" : s.exceeds_norm ? "powyżej normy" : "w normie";
}

/** The verdict as a coloured word: red only for a comparable ratio above the norm. */
export function verdictBadge(s: StaffingRow): HTMLElement {
  const v = verdictOf(s);
  if (v === "powyżej normy") return html`<strong class="bad">powyżej normy</strong>`;
  if (v === "w normie") return html`<span class="ok">w normie${s.is_estimate ? " (szacunek)" : ""}</span>`;
  return html`<span class="missing">${v}</span>`;
}

/**
 * A staffing table's "Wyjaśnienie" column without the full legal basis on every row: each note with the
 * number of its basis, and the bases once under the table (components/legal-basis.ts).
 */
export function explanations<T extends BasisRow>(
  rows: readonly T[],
): { cell: (row: T) => HTMLElement | string; footnotes: HTMLElement | string } {
  const { bases, noteOf } = footnoteBases(rows);
  const cell = (row: T) => {
    const { text, mark } = noteOf(row);
    return mark === null
      ? text
      : (html`<span>${text} <sup class="basis-mark">[${mark}]</sup></span>` as HTMLElement);
  };
  const footnotes =
    bases.length === 0
      ? ""
      : (html`<div class="legal-basis legend-note">${bases.map(
          (b, i) => html`<p>[${i + 1}] Podstawa prawna: ${b}.</p>`,
        )}</div>` as HTMLElement);
  return { cell, footnotes };
}

/** The ratio with its "skąd ta liczba?": the formula and every figure it was computed from. */
export function ratioWithSource(s: StaffingRow): HTMLElement | string {
  if (s.ratio === null) return html`<span class="missing">${MISSING}</span>` as HTMLElement;
  const text = `${formatDecimal(s.ratio)}${s.is_whole_year_count ? "*" : ""}`;
  const ids = [
    ...(s.source_ids ??
      [s.numerator_observation_id, s.denominator_observation_id, s.subtracted_observation_id].filter(
        (id): id is string => Boolean(id),
      )),
  ];
  if (!s.formula_pl || ids.length === 0) return text;
  return sourceOnDemand(text, {
    centre_id: s.centre_id,
    period_id: s.period_id,
    metric_id: "",
    formula: s.formula_pl,
    source_ids: ids,
    official_pl: s.population_source === "gus_bdl" ? (s.numerator_label_pl ?? null) : null,
  });
}
