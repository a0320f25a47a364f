// Rates per 10,000 residents as the pages show them (marts.rates): the rate opens to its formula, the
// population's source and date, and both figures; a count with no population of its date says
// "brak liczby mieszkańców" (never estimated), and a figure that is no count (hours, PLN) shows nothing.
import { html } from "htl";
import { sourceOnDemand } from "./centre-data.js";
import { formatDecimal } from "./format.js";

/** Units that count people or households: only these get a rate per 10,000 residents. */
export const COUNT_UNITS = ["persons", "families", "children", "cases"];

export const NO_POPULATION = "brak liczby mieszkańców";

export interface Rate {
  observation_id: string;
  centre_id: string;
  period_id: string;
  rate_per_10k: number | null;
  population: number | null;
  population_source: string | null;
  population_source_pl: string | null;
  formula_pl: string | null;
  source_ids: string[];
}

/** The rate of one figure (or "brak liczby mieszkańców"), with its "skąd ta liczba?". */
export function rateCell(
  figure:
    | { observation_id?: string; metric_id?: string; unit?: string | null; value: number | null }
    | undefined,
  rates: Map<string, Rate>,
): HTMLElement | string {
  if (!figure || figure.value === null || !COUNT_UNITS.includes(figure.unit ?? "")) return "";
  if (figure.metric_id === "residents") return "";
  const r = figure.observation_id ? rates.get(figure.observation_id) : undefined;
  if (!r || r.rate_per_10k === null)
    return html`<span class="missing">${NO_POPULATION}</span>` as HTMLElement;
  return sourceOnDemand(formatDecimal(r.rate_per_10k), {
    centre_id: r.centre_id,
    period_id: r.period_id,
    metric_id: "",
    formula: `${r.formula_pl} (ludność: ${r.population_source_pl})`,
    source_ids: r.source_ids,
    official_pl: r.population_source_pl,
  });
}
