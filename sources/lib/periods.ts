/**
 * Periods that tell the truth. A figure belongs to exactly one of:
 *   year        '2012'
 *   half-year   '2012-H1', '2012-H2'
 *   span        '2006/2008' (whole years) or '2012-07/2015-06' (months given): a multi-year project's total,
 *               average or target group over its whole duration. ISO 8601's interval notation, reduced to
 *               years or months. A span is never filed under one of its years, so it never appears in year
 *               or half-year views or sums.
 *   undated     'undated': a stock the text states with no date at all ("posiada 74 pracowników …"). The
 *               document's own date stays in marts.dim_document; the figure is not given a year it does not
 *               state.
 * models/staging/stg_observations.sql decodes the same forms into period_kind, period_start, period_end.
 */

export type PeriodKind = "year" | "half_year" | "span" | "undated";

export const UNDATED = "undated";

const YEAR = /^(\d{4})$/;
const HALF = /^(\d{4})-H([12])$/;
const SPAN = /^(\d{4})(?:-(\d{2}))?\/(\d{4})(?:-(\d{2}))?$/;

/** The pattern of every period_id the contract accepts. */
export const PERIOD_ID_PATTERN =
  /^(\d{4}(-H[12])?|\d{4}(-(0[1-9]|1[0-2]))?\/\d{4}(-(0[1-9]|1[0-2]))?|undated)$/;

export function periodKind(periodId: string): PeriodKind | null {
  if (YEAR.test(periodId)) return "year";
  if (HALF.test(periodId)) return "half_year";
  if (SPAN.test(periodId)) return "span";
  if (periodId === UNDATED) return "undated";
  return null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A span from its first to its last year (months 1–12 when written: "VII 2012 – VI 2015"). A span within
 * one calendar year is that year (or its half-year when its months say so), so a year view still finds it.
 */
export function spanPeriod(
  from: number,
  to: number,
  fromMonth?: number | null,
  toMonth?: number | null,
): string {
  const months = fromMonth != null && toMonth != null;
  if (from === to) {
    if (!months || (fromMonth === 1 && toMonth === 12)) return String(from);
    if (fromMonth === 1 && toMonth === 6) return `${from}-H1`;
    if (fromMonth === 7 && toMonth === 12) return `${from}-H2`;
  }
  if (!months || (fromMonth === 1 && toMonth === 12)) return `${from}/${to}`;
  return `${from}-${pad(fromMonth)}/${to}-${pad(toMonth)}`;
}

const ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

/** "VII" → 7; null for anything that is not a Roman month number. */
export function romanMonth(text: string): number | null {
  const i = ROMAN_MONTHS.indexOf(text.trim().toUpperCase());
  return i < 0 ? null : i + 1;
}

/** How a person reads a period: "2012", "I półrocze 2012", "lata 2006–2008", "VII 2012 – VI 2015", "bez daty". */
export function periodLabelPl(periodId: string): string {
  const half = HALF.exec(periodId);
  if (half) return `${half[2] === "1" ? "I" : "II"} półrocze ${half[1]}`;
  const span = SPAN.exec(periodId);
  if (span) {
    const [, from, fromMonth, to, toMonth] = span;
    if (fromMonth === undefined || toMonth === undefined) return `lata ${from}–${to}`;
    return `${ROMAN_MONTHS[Number(fromMonth) - 1]} ${from} – ${ROMAN_MONTHS[Number(toMonth) - 1]} ${to}`;
  }
  if (periodId === UNDATED) return "bez daty";
  return periodId;
}

/**
 * The half-year a document reports on, from its opening lines: "… w I półroczu 2028 r.", "za I półrocze 2028",
 * "dla II półrocza 2027" → "2028-H1" / "2027-H2". Null when the opening names no half-year: a half-year only
 * mentioned in a table's header is no title.
 */
export function documentHalfYear(lines: readonly string[], opening = 15): string | null {
  const head = lines
    .filter((l) => l.trim() !== "")
    .slice(0, opening)
    .join(" ")
    .replace(/\s+/g, " ");
  const m = /\b(?:za|w|dla|na)\s+(I|II)\s+półrocz\p{L}*\s+((?:19|20)\d{2})\b/iu.exec(head);
  if (!m?.[1] || !m[2]) return null;
  return `${m[2]}-H${m[1].toUpperCase() === "I" ? 1 : 2}`;
}

/**
 * The year a document reports on, from its opening lines: "… za rok 2023", "… w roku 2025", "za 2024 r.",
 * "2000 - 2013" (the last year of a range), "w 2024 roku". Null when the opening says no year.
 */
export function documentYear(lines: readonly string[], opening = 15): number | null {
  const head = lines
    .filter((l) => l.trim() !== "")
    .slice(0, opening)
    .join(" ")
    .replace(/\s+/g, " ");
  const patterns = [
    /\bza\s+rok\s+((?:19|20)\d{2})\b/i,
    /\bw\s+roku\s+((?:19|20)\d{2})\b/i,
    /\bza\s+((?:19|20)\d{2})\s*(?:r\.|r\b|rok)/i,
    /\b(?:19|20)\d{2}\s*[-–]\s*((?:19|20)\d{2})\b/,
    /\bw\s+((?:19|20)\d{2})\s*(?:r\.|r\b|roku)/i,
  ];
  for (const re of patterns) {
    const m = re.exec(head);
    if (m?.[1]) return Number(m[1]);
  }
  return null;
}
