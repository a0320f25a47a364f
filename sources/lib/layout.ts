/**
 * What a page layout puts between a report's rows that is no row: running headers and footers repeated on
 * every page, notes under a table ("* dane szacunkowe", "Źródło: …"), footnote marks on labels and values,
 * a dash or "b.d." standing where a value is missing, a column of the change against the previous year.
 * Shared by the readers of tables (sources/<centre>/…): each decides what to do with them.
 */
import { normaliseLabel, type SourceText } from "./document.ts";
import { splitDigitGroups, splitLabelledRow } from "./numbers.ts";
import { isPageFurniture } from "./period-tables.ts";

/** A line that opens a row or a column header, or goes on with a wrapped label: never a running line. */
const ROW_WORD = /^(liczba|ilosc|kwota|wartosc|laczn\w*|ogolem|razem|suma|w tym)\b/;
const COLUMN_WORD = /(?<!\p{L})(liczba|ilosc|kwota|wartosc)(?!\p{L})/u;
const YEAR = /^(19|20)\d{2}$/;

/**
 * Lines a page layout repeats ("Informacja MOPS w Katowicach dla Komisji – 2030", "Załącznik nr 2 do
 * sprawozdania za 2027 r.", "MOPS Katowice – odpowiedź na interpelację 412/2031"), normalised: a line
 * written twice or more that starts with a capital, ends in no value (a year, a page number or a case
 * number is none), and is no row, column header or table title. A running line is
 * page furniture wherever it stands; its first occurrence, at the top of the first page, is too. A block
 * heading written twice (a table's heading repeated after a page break) is skipped the same way: the rows
 * after it go on with the block they belong to.
 */
export function runningLines(doc: SourceText): Set<string> {
  const seen = new Map<string, { count: number; raw: string }>();
  for (const [, raw] of doc.nonBlankLines()) {
    const key = normaliseLabel(raw);
    seen.set(key, { count: (seen.get(key)?.count ?? 0) + 1, raw: raw.trim() });
  }
  const running = new Set<string>();
  for (const [key, { count, raw }] of seen) {
    if (count < 2 || ROW_WORD.test(key) || COLUMN_WORD.test(key) || /^tab(ela|\.)/.test(key)) continue;
    // A wrapped label goes on in lower case ("rodziny"): a running line starts with a capital.
    if (!/^[\p{Lu}„"]/u.test(raw)) continue;
    // No value stands at its end: no number, a year, a page number, or a case number ("412/2031",
    // "DPŚ.422.26.2026") that no row's value is written like.
    const value = splitLabelledRow(raw).numbers;
    const pageNumber = /(str\.?|strona|s\.)\s*\d+(\s*(z|\/)\s*\d+)?$/.test(key);
    if (value === "" || YEAR.test(value) || pageNumber) running.add(key);
  }
  for (const key of numberedFooters(doc)) running.add(key);
  return running;
}

/**
 * A running footer or header with a bare page number far to its right ("Raport o stanie Miasta Jaworzna 2027
 * <many spaces> 84", then "… 85"): the same text on two pages or more, set apart from its number by a wide
 * gap, the numbers going up one by one. A row repeated with two values is none: its values are not pages in
 * order, nor set apart by a page's width.
 */
function numberedFooters(doc: SourceText): string[] {
  const byText = new Map<string, { keys: string[]; pages: number[]; raw: string }>();
  for (const [, raw] of doc.nonBlankLines()) {
    const m = /^\s*(\S.*\S)\s{8,}(\d{1,4})\s*$/.exec(raw);
    if (!m?.[1] || !m[2]) continue;
    const text = normaliseLabel(m[1]);
    const entry = byText.get(text) ?? { keys: [], pages: [], raw: m[1] };
    entry.keys.push(normaliseLabel(raw));
    entry.pages.push(Number(m[2]));
    byText.set(text, entry);
  }
  return [...byText].flatMap(([text, { keys, pages, raw }]) => {
    const inOrder = pages.every((p, i) => i === 0 || p === (pages[i - 1] ?? 0) + 1);
    const furniture =
      pages.length >= 2 &&
      inOrder &&
      /^[\p{Lu}„"]/u.test(raw) &&
      !ROW_WORD.test(text) &&
      !COLUMN_WORD.test(text) &&
      !/^tab(ela|\.)/.test(text);
    return furniture ? keys : [];
  });
}

/** A page's furniture in a document: its page number line, or one of its running headers and footers. */
export function furnitureOf(doc: SourceText): (line: string) => boolean {
  const running = runningLines(doc);
  return (line) => isPageFurniture(line) || running.has(normaliseLabel(line));
}

/**
 * A note under a table or a list, no row of it: "* dane szacunkowe", "Źródło: sprawozdanie …",
 * "Uwaga: …", "Objaśnienia:", "Dane na dzień …", "n/d – nie dotyczy".
 */
export function isNoteLine(line: string): boolean {
  return /^\s*(\*+|\(\*+\)|¹|²|³|źródło\s*:|zrodlo\s*:|uwaga\s*:|uwagi\s*:|objaśnieni\p{L}*|przypis\p{L}*\s*:|b\.\s*d\.\s*[–—-]|n\/d\s*[–—-]|[–—-]\s+(brak danych|nie dotyczy))/iu.test(
    line,
  );
}

/** "Liczba asystentów rodziny w 2029 r.*" → without its footnote mark; "20*" → "20". */
export function stripFootnoteMarks(text: string): { text: string; marked: boolean } {
  const stripped = text.replace(/(?<=\S)(\*+|\(\*+\)|[¹²³])(?=\s|$)/gu, "");
  return { text: stripped, marked: stripped !== text };
}

/** A token that stands where a value is missing: a dash, "b.d." (brak danych), "x", "n/d". */
export const MISSING_TOKEN = /^([–—-]|b\.\s?d\.?|bd|x|n\/d)$/iu;

/** The note of a value a document marks as missing with a dash or "b.d.". */
export const missingTokenNote = (token: string) =>
  `Dokument podaje „${token}” zamiast liczby (brak danych): wartość pusta, to nie jest zero.`;

/**
 * A row's trailing cells when some stand as dashes ("rodziny objęte monitoringiem 15 –"): the label, and per
 * column either the digit groups' value or null for a dash. `columns` cells in all; null when the run does
 * not end the line, or its digit groups fit no split, or fit several (then nothing is guessed).
 */
export function cellsWithGaps(
  line: string,
  columns: number,
): { label: string; cells: (number | null)[]; dashes: string[] } | null {
  const tokens = line.trim().split(/\s+/);
  let first = tokens.length;
  while (first > 0 && (/^\d+$/.test(tokens[first - 1] ?? "") || MISSING_TOKEN.test(tokens[first - 1] ?? "")))
    first--;
  const run = tokens.slice(first);
  const dashes = run.filter((t) => MISSING_TOKEN.test(t));
  if (dashes.length === 0 || first === 0) return null;
  // Segments of digit groups between the dashes; each takes as many columns as fit, and only one way may fit.
  type Piece = { dash: string } | { digits: string };
  const pieces: Piece[] = [];
  for (const t of run) {
    const last = pieces.at(-1);
    if (MISSING_TOKEN.test(t)) pieces.push({ dash: t });
    else if (last && "digits" in last) last.digits += ` ${t}`;
    else pieces.push({ digits: t });
  }
  const results: (number | null)[][] = [];
  const walk = (at: number, acc: (number | null)[]) => {
    if (results.length > 1) return;
    const piece = pieces[at];
    if (!piece) {
      if (acc.length === columns) results.push(acc);
      return;
    }
    if ("dash" in piece) return walk(at + 1, [...acc, null]);
    for (let k = 1; acc.length + k <= columns; k++) {
      const split = splitDigitGroups(piece.digits, k);
      if (split.kind === "ok") walk(at + 1, [...acc, ...split.values]);
      else if (split.kind === "ambiguous") results.push([], []);
    }
  };
  walk(0, []);
  const [only] = results;
  if (results.length !== 1 || !only) return null;
  return { label: tokens.slice(0, first).join(" "), cells: only, dashes };
}

/**
 * A column of the change against another period ("Zmiana %", "Dynamika", "Różnica", "+/-"): not a figure of
 * the report's own, never read as one.
 */
export const CHANGE_COLUMN = /^(zmiana|dynamika|roznica|wzrost|spadek|\+\/-|%)/;

/** A change written at the end of a row ("+20,0%", "-3", "104,5", "–12 %"): taken off before the values are split. */
export function withoutTrailingChange(line: string): string {
  return line.replace(/\s+[+−–-]?\s?\d+(?:,\d+)?\s?%?\s*$/u, "");
}
