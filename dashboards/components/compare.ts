// Which cities Porównanie miast draws. Four cities fit one chart; 2,477 gminas do not (a bar per gmina is
// a 84,000-pixel chart, a line per gmina a grey blur), so past a limit the charts keep the cities with the
// highest values and the table those plus the cities the reader searched for.

/** At most this many cities in a chart (bars, lines); with more, the highest values. */
export const CHART_CITIES = 25;
/** At most this many lines in a trend chart: one colour each (components/colors.ts has seven). */
export const TREND_LINES = 7;
/** At most this many centres drawn as points on the map; with more, powiats coloured by their gminas. */
export const MAP_POINTS = 40;
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

/** The "period" that compares each city's latest figure of the kind (cities report different years). */
export const LATEST = "latest";

/** Period order within a kind: 2024 → 20249, 2024-H1 → 20243 (as components/format.ts periodOrder). */
const orderOf = (periodId: string) => {
  const m = /^(\d{4})(?:-H([12]))?$/.exec(periodId);
  return m ? Number(m[1]) * 10 + (m[2] ? Number(m[2]) * 3 : 9) : Number.NEGATIVE_INFINITY;
};

/**
 * The figures of one centre to compare: those of `period`, or with LATEST those of the centre's latest
 * period with a value (so every city that reports the figure at all is compared, each with its year).
 */
export function figuresFor<T extends { centre_id: string; period_id: string; value: number | null }>(
  figures: readonly T[],
  period: string,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  const add = (o: T) => {
    const list = out.get(o.centre_id) ?? [];
    list.push(o);
    out.set(o.centre_id, list);
  };
  if (period !== LATEST) {
    for (const o of figures) if (o.period_id === period) add(o);
    return out;
  }
  const latest = new Map<string, number>();
  for (const o of figures) {
    if (o.value === null) continue;
    latest.set(
      o.centre_id,
      Math.max(latest.get(o.centre_id) ?? Number.NEGATIVE_INFINITY, orderOf(o.period_id)),
    );
  }
  for (const o of figures) if (latest.get(o.centre_id) === orderOf(o.period_id)) add(o);
  return out;
}

/** Population classes of gminas (GUS's usual bands), by residents. */
const POPULATION_CLASSES: [upTo: number, label: string][] = [
  [5_000, "do 5 tys. mieszkańców"],
  [10_000, "5–10 tys. mieszkańców"],
  [20_000, "10–20 tys. mieszkańców"],
  [50_000, "20–50 tys. mieszkańców"],
  [100_000, "50–100 tys. mieszkańców"],
  [200_000, "100–200 tys. mieszkańców"],
  [500_000, "200–500 tys. mieszkańców"],
  [Number.POSITIVE_INFINITY, "ponad 500 tys. mieszkańców"],
];

export const NO_POPULATION_CLASS = "brak klasy wielkości";

/** The population class of a gmina; null without a number of residents. */
export function populationClass(residents: number | null | undefined): string | null {
  if (residents === null || residents === undefined || !(residents > 0)) return null;
  return POPULATION_CLASSES.find(([upTo]) => residents < upTo)?.[1] ?? null;
}

/**
 * The kind of gmina: the seed's gmina_type when given; else the last digit of its TERC code (TERYT:
 * 1 miejska, 2 wiejska, 3 miejsko-wiejska), which is how the benchmark's gminas carry it.
 */
export function gminaTypeOf(centre: { gmina_type?: string | null; teryt?: string | null }): string | null {
  if (centre.gmina_type) return centre.gmina_type.replace(/\s*\(.*\)$/, "");
  const digit = centre.teryt?.at(-1);
  return digit === "1"
    ? "gmina miejska"
    : digit === "2"
      ? "gmina wiejska"
      : digit === "3"
        ? "gmina miejsko-wiejska"
        : null;
}

export interface Ranked {
  /** 1 = highest value in the group */
  rank: number;
  /** gminas in the group with a value */
  of: number;
  /** share of the other gminas of the group with a lower value, 0–100; null when alone */
  percentile: number | null;
  group: string;
}

/**
 * Rank and percentile of each centre among similar gminas: the same kind of gmina and population class,
 * by `measure` (e.g. the rate per 10,000 residents). Centres without a class or a measure get none.
 */
export function rankAmongSimilar<T extends { centre_id: string }>(
  rows: readonly T[],
  typeOf: (r: T) => string | null,
  classOf: (r: T) => string | null,
  measure: (r: T) => number | null,
): Map<string, Ranked> {
  const groups = new Map<string, { id: string; v: number }[]>();
  for (const r of rows) {
    const type = typeOf(r);
    const size = classOf(r);
    const v = measure(r);
    if (!type || !size || v === null) continue;
    const key = `${type}, ${size}`;
    const g = groups.get(key) ?? [];
    g.push({ id: r.centre_id, v });
    groups.set(key, g);
  }
  const out = new Map<string, Ranked>();
  for (const [group, members] of groups) {
    for (const m of members) {
      const higher = members.filter((o) => o.v > m.v).length;
      const lower = members.filter((o) => o.v < m.v).length;
      out.set(m.id, {
        rank: higher + 1,
        of: members.length,
        percentile: members.length > 1 ? Math.round((100 * lower) / (members.length - 1)) : null,
        group,
      });
    }
  }
  return out;
}
