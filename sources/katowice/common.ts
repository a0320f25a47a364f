import { matchBreakdown } from "../lib/catalogue.ts";
import { normaliseLabel, type SourceText } from "../lib/document.ts";

/** Helpers shared by the Katowice extractors: dates in words, prose across wrapped lines, breakdown ids. */

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

/**
 * The non-blank lines of a document joined by "\n", so that prose wrapped over lines (and over the
 * blank lines of a double-spaced export) reads as one text, with the way back to line and column.
 */
export class FlatText {
  readonly text: string;
  private readonly starts: number[] = [];
  private readonly lineNos: number[] = [];

  constructor(doc: SourceText, from = 1, to = doc.lines.length) {
    const parts: string[] = [];
    let at = 0;
    for (const [n, line] of doc.nonBlankLines(from, to)) {
      this.starts.push(at);
      this.lineNos.push(n);
      parts.push(line);
      at += line.length + 1;
    }
    this.text = parts.join("\n");
  }

  /** The 1-based line and 0-based column of an offset in `text`. */
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.lineNos[lo] ?? 1, column: offset - (this.starts[lo] ?? 0) };
  }
}

/** Text as a person reads it: one line, single spaces, a hyphen at a line break joins the word. */
export function oneLine(text: string): string {
  return text
    .replace(/-\s*\n\s*/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The breakdown id for a label in a vocabulary; a value the vocabulary does not know yet (a new
 * programme next year) gets an id made from its name and a note, so it is kept and shows up in the
 * warehouse's breakdown_in_vocabulary check instead of being lost.
 */
export function breakdownOf(vocabulary: string, label: string): { id: string; note: string | null } {
  const known = matchBreakdown(vocabulary, label);
  if (known) return { id: known, note: null };
  const slug = normaliseLabel(label)
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "");
  return {
    id: slug || "other",
    note: `„${label}” is not in the breakdown vocabulary ${vocabulary} (models/seeds/breakdowns.csv); id made from the name`,
  };
}

/** "w 2024 r.", "w 2024 roku", "za 2024 r." → 2024, with the match's place; "od 2022 roku" is not a period. */
export function yearPhrases(text: string): { year: number; index: number }[] {
  const out: { year: number; index: number }[] = [];
  for (const m of text.matchAll(/(?<!\p{L})(?:w|za)\s+(\d{4})\s*(?:r\.|r\b|roku\b)/giu)) {
    const year = Number(m[1]);
    if (year >= 1990 && year <= 2100) out.push({ year, index: m.index });
  }
  return out;
}
