// Which cities Porównanie miast draws. Four cities fit one chart; 2,477 gminas do not (a bar per gmina is
// a 84,000-pixel chart, a line per gmina a grey blur), so past a limit the charts keep the cities with the
// highest values and the table those plus the cities the reader searched for.

/** At most this many cities in a chart (bars, lines); with more, the highest values. */
export const CHART_CITIES = 25;
/** At most this many lines in a trend chart: one colour each (components/colors.ts has seven). */
export const TREND_LINES = 7;
/** At most this many rows in the table unless the reader searches for a city. */
export const TABLE_CITIES = 100;

export interface CityRow {
  centre_id: string;
  label: string;
  value: number | null;
}

/**
 * The rows a chart or table shows: every row while there are at most `limit`; otherwise the `limit` with
 * the highest values (a missing value is not the lowest one: it is left out, and counted), ties by name.
 * Rows whose centre is in `keep` (a reader's search) are always shown, after the others.
 */
export function topCities<T extends CityRow>(
  rows: readonly T[],
  { limit, keep = [] }: { limit: number; keep?: readonly string[] },
): { shown: T[]; hidden: number; withoutValue: number } {
  if (rows.length <= limit) return { shown: [...rows], hidden: 0, withoutValue: 0 };
  const kept = new Set(keep);
  const ranked = rows
    .filter((r) => r.value !== null && !kept.has(r.centre_id))
    .sort((a, b) => (b.value as number) - (a.value as number) || a.label.localeCompare(b.label, "pl"))
    .slice(0, limit);
  const shown = [...ranked, ...rows.filter((r) => kept.has(r.centre_id))];
  return {
    shown,
    hidden: rows.length - shown.length,
    withoutValue: rows.filter((r) => r.value === null && !kept.has(r.centre_id)).length,
  };
}

/** Centres whose name contains the search text (case and Polish diacritics ignored); none for no text. */
export function searchCities<T extends { centre_id: string; label: string }>(
  rows: readonly T[],
  text: string,
): string[] {
  const fold = (s: string) =>
    s
      .toLocaleLowerCase("pl")
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .replace(/ł/g, "l");
  const q = fold(text.trim());
  if (q.length === 0) return [];
  return rows.filter((r) => fold(r.label).includes(q)).map((r) => r.centre_id);
}
