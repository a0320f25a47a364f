/**
 * Polish dates and month names, for every reader: "7 października 2025", "07.10.2025", "w październiku",
 * a month's last day (a stock "na koniec grudnia").
 */
import { normaliseLabel } from "./document.ts";

const MONTHS: [RegExp, number][] = [
  [/^stycz/, 1],
  [/^lut/, 2],
  [/^mar[cz]/, 3],
  [/^kwie[ct]/, 4],
  [/^maj/, 5],
  [/^czerw/, 6],
  [/^lip/, 7],
  [/^sierp/, 8],
  [/^wrze/, 9],
  [/^pazdz/, 10],
  [/^listop/, 11],
  [/^grud/, 12],
];

/** "października" → 10, "grudnia" → 12; null for a word that is not a month. */
export function monthNumber(word: string): number | null {
  const w = normaliseLabel(word);
  for (const [re, m] of MONTHS) if (re.test(w)) return m;
  return null;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function lastDayOfMonth(year: number, month: number): string {
  return isoDate(year, month, new Date(Date.UTC(year, month, 0)).getUTCDate());
}

/** The first "7 października 2025" (or "07.10.2025") in a text, as an ISO date, or null. */
export function findDateInWords(text: string): string | null {
  for (const m of text.matchAll(/(?<!\d)(\d{1,2})\s+(\p{L}+)\s+(\d{4})(?!\d)/gu)) {
    const month = m[2] === undefined ? null : monthNumber(m[2]);
    const day = Number(m[1]);
    if (month && day >= 1 && day <= 31) return isoDate(Number(m[3]), month, day);
  }
  const d = /(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])/.exec(text);
  if (d) {
    const day = Number(d[1]);
    const month = Number(d[2]);
    if (day >= 1 && day <= 31 && month >= 1 && month <= 12) return isoDate(Number(d[3]), month, day);
  }
  return null;
}

/** "23 marca 2026 r." or "23.03.2026" → "2026-03-23"; null when the text gives no full date ("luty 2024 r."). */
export const polishDate = findDateInWords;
