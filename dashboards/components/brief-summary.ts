// The brief's summary ("W skrócie") at the top of a city's page, the first thing a committee reads on
// paper: the norms' verdicts with their caveats, the contradictions and warnings, and what is missing.
import { html } from "htl";
import { formatNumber, plural } from "./format.js";

export interface NormVerdict {
  exceeds_norm: boolean | null;
  is_whole_year_count?: boolean | null;
}

/** The summary's sentences (plain text, testable without a page). */
export function summaryLines({
  norms,
  warnings,
  missing,
  absent,
}: {
  norms: NormVerdict[];
  warnings: number;
  missing: number;
  absent: string[];
}): string[] {
  const above = norms.filter((n) => n.exceeds_norm === true);
  const yearly = above.filter((n) => n.is_whole_year_count).length;
  const within = norms.filter((n) => n.exceeds_norm === false).length;
  const unknown = norms.filter((n) => n.exceeds_norm === null).length;
  const lines: string[] = [];
  if (norms.length === 0)
    lines.push("Normy zatrudnienia: sprawozdania nie podają liczb potrzebnych do ich sprawdzenia.");
  else
    lines.push(
      `Normy zatrudnienia: ${formatNumber(above.length)} ${plural(above.length, "wynik", "wyniki", "wyników")} powyżej normy${
        yearly > 0
          ? ` (w tym ${formatNumber(yearly)} z liczby rodzin w ciągu roku, nie jednocześnie — nie musi to oznaczać naruszenia ustawy)`
          : ""
      }, ${formatNumber(within)} w normie${unknown > 0 ? `, ${formatNumber(unknown)} nie da się ocenić (brak jednej z liczb)` : ""}.`,
    );
  lines.push(
    warnings === 0
      ? "Sprzeczności i ostrzeżenia: brak."
      : `Sprzeczności i ostrzeżenia: ${formatNumber(warnings)} — opisane w części „Sprzeczności i ostrzeżenia”.`,
  );
  const gaps: string[] = [];
  if (missing > 0)
    gaps.push(
      `${formatNumber(missing)} ${plural(missing, "liczba", "liczby", "liczb")} bez wartości w dokumentach (to nie zera)`,
    );
  if (absent.length > 0)
    gaps.push(
      `${formatNumber(absent.length)} ${plural(
        absent.length,
        "wskaźnik podawany przez inne miasta, którego tu brak",
        "wskaźniki podawane przez inne miasta, których tu brak",
        "wskaźników podawanych przez inne miasta, których tu brak",
      )}`,
    );
  lines.push(gaps.length === 0 ? "Braki w danych: brak." : `Braki w danych: ${gaps.join("; ")}.`);
  return lines;
}

export function briefSummary(facts: Parameters<typeof summaryLines>[0]): HTMLElement {
  return html`<div class="brief-summary"><strong>W skrócie</strong><ul>${summaryLines(facts).map(
    (line) => html`<li>${line}</li>`,
  )}</ul></div>`;
}

/** Period columns one printed table holds: with the indicator's name, 8 fit the width of A4. */
export const PRINT_PERIODS = 8;

/** The periods in groups of at most PRINT_PERIODS, in order (one printed table each). */
export function periodGroups<T>(periods: readonly T[], size = PRINT_PERIODS): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < periods.length; i += size) groups.push(periods.slice(i, i + size));
  return groups;
}
