import { matchBreakdown } from "../lib/catalogue.ts";
import { normaliseLabel, type SourceText } from "../lib/document.ts";

/** Helpers shared by the Katowice readers: prose across wrapped lines, breakdown ids, year phrases. */

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

/**
 * The periods a text names: "w 2024 r." → "2024", and a half-year "w I półroczu 2028 r.", "za I półrocze
 * 2028 r." → "2028-H1", with the match's place (a half-year's year is not also a year of its own).
 */
export function periodPhrases(text: string): { period: string; index: number }[] {
  const halves: { period: string; index: number; end: number }[] = [];
  for (const m of text.matchAll(
    /(?<!\p{L})(?:w|za|dla)\s+(I|II)\s+półrocz\p{L}*\s+(\d{4})\s*(?:r\.|r\b|roku\b)?/giu,
  )) {
    const year = Number(m[2]);
    const half = m[1]?.toUpperCase() === "I" ? 1 : 2;
    if (year >= 1990 && year <= 2100)
      halves.push({ period: `${year}-H${half}`, index: m.index, end: m.index + m[0].length });
  }
  const years = yearPhrases(text)
    .filter((y) => !halves.some((h) => y.index >= h.index && y.index < h.end))
    .map((y) => ({ period: String(y.year), index: y.index }));
  return [...halves.map(({ period, index }) => ({ period, index })), ...years].sort(
    (a, b) => a.index - b.index,
  );
}
