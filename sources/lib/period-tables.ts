/**
 * Tables whose columns are periods, as reports lay them out: a header of years and half-years
 * ("2011 2012 I półrocze 2012 I półrocze 2013", "2011 rok I półrocze 2012 rok …", wrapped over lines), and rows
 * of a label and one value per column whose digit groups only the column count splits (see numbers.ts).
 * The column order is read from each table's own header, never assumed.
 */
import type { SourceText } from "./document.ts";
import { splitDigitGroups } from "./numbers.ts";
import type { Flag } from "./observation.ts";

/** 13737 → "13 737" (Polish thousands), for notes a person reads. */
export function pl(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}

const HEADER_TOKEN = /^(I|II|półrocze|półr\.?|rok|r\.|(19|20)\d{2})$/u;

export function isHeaderLine(raw: string): boolean {
  const tokens = raw.trim().split(/\s+/);
  return tokens.length > 0 && tokens[0] !== "" && tokens.every((t) => HEADER_TOKEN.test(t));
}

/** "2011 rok I półrocze 2012 rok 2012 rok" → ['2011', '2012-H1', '2012']; null when it is no header. */
export function parsePeriodHeader(text: string): string[] | null {
  const tokens = text.trim().split(/\s+/);
  const periods: string[] = [];
  let half: 1 | 2 | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? "";
    if ((t === "I" || t === "II") && /^półr/u.test(tokens[i + 1] ?? "")) {
      if (half !== null) return null;
      half = t === "I" ? 1 : 2;
      i++;
    } else if (/^\d{4}$/.test(t)) {
      periods.push(half === null ? t : `${t}-H${half}`);
      half = null;
    } else if (t !== "rok" && t !== "r.") return null;
  }
  if (half !== null || periods.length < 2 || new Set(periods).size !== periods.length) return null;
  return periods;
}

export interface PeriodTable {
  /** Periods of the columns, in the order the header gives them. */
  columns: string[];
  headerFrom: number;
  headerTo: number;
}

export function findPeriodTables(doc: SourceText): PeriodTable[] {
  const tables: PeriodTable[] = [];
  let block: [number, string][] = [];
  const close = () => {
    const first = block[0];
    const last = block[block.length - 1];
    if (first && last) {
      const columns = parsePeriodHeader(block.map(([, t]) => t).join(" "));
      if (columns) tables.push({ columns, headerFrom: first[0], headerTo: last[0] });
    }
    block = [];
  };
  for (const [n, raw] of doc.nonBlankLines()) {
    if (isHeaderLine(raw)) block.push([n, raw]);
    else close();
  }
  close();
  return tables;
}

export interface Cell {
  value: number | null;
  flags: Flag[];
  note: string | null;
}

export const periodPl = (p: string) =>
  /-H1$/.test(p) ? `I półrocze ${p.slice(0, 4)}` : /-H2$/.test(p) ? `II półrocze ${p.slice(0, 4)}` : p;

/** Every cell of a row null with one flag and one note: nothing of the row is assigned to a column. */
const noCells = (count: number, flag: Flag, note: string): Cell[] =>
  Array.from({ length: count }, () => ({ value: null, flags: [flag], note }));

/**
 * The values of a row, one per column: digit groups are split by the column count; a split that fits
 * several readings leaves the disputed columns null (flag `ambiguous`). A row with fewer values than
 * columns gives no column a value: which column lacks its value is unknown (a value lost in the middle
 * shifts every later one), so nothing is assigned left to right (flag `ambiguous`); where the document
 * ends inside such a row, its values are `missing` (the last one written may itself be cut: "4 151" of
 * "4 151 4 165 …" is neither 4 nor 4151 for sure). Returns null when the numbers fit no reading at all.
 */
export function readRowCells(
  numbers: string,
  columns: string[],
  where: { documentEndsInRow?: boolean } = {},
): Cell[] | null {
  const count = columns.length;
  const readingsNote = (readings: number[][]) => readings.map((r) => r.map(pl).join(" | ")).join("; albo ");
  const fromSplit = (k: number): Cell[] | null => {
    const split = splitDigitGroups(numbers, k);
    if (split.kind === "none") return null;
    if (split.kind === "ok") return split.values.map((value) => ({ value, flags: [], note: null }));
    return Array.from({ length: k }, (_, i) => {
      const seen = [...new Set(split.readings.map((r) => r[i]))];
      const [only] = seen;
      if (seen.length === 1 && only !== undefined) return { value: only, flags: [], note: null };
      return {
        value: null,
        flags: ["ambiguous"] as Flag[],
        note:
          `Zapis „${numbers}” da się podzielić na ${k} liczby na kilka sposobów: ${readingsNote(split.readings)}. ` +
          `W kolumnie ${periodPl(columns[i] ?? "")} możliwe: ${seen.map((v) => pl(v ?? 0)).join(" albo ")}; wartości nie zgadywano.`,
      };
    });
  };
  const full = fromSplit(count);
  if (full) return full;
  const fewer = Array.from({ length: count - 1 }, (_, i) => count - 1 - i).filter(
    (k) => splitDigitGroups(numbers, k).kind !== "none",
  );
  if (fewer.length === 0) return null;
  const all = columns.map(periodPl).join(", ");
  if (where.documentEndsInRow) {
    // The document is cut inside this row: the last number written may itself be cut.
    return noCells(
      count,
      "missing",
      `Dokument urywa się w tym wierszu („${numbers}”): wartości kolumn ${all} nie da się odczytać ` +
        "(ostatnia zapisana liczba mogła zostać ucięta); brak wartości, to nie jest zero.",
    );
  }
  return noCells(
    count,
    "ambiguous",
    `Wiersz „${numbers}” ma mniej wartości niż kolumn (${count}: ${all}); da się go odczytać jako ` +
      `${fewer.join(" albo ")} liczb(y), a nie wiadomo, w której kolumnie brakuje wartości: ` +
      "żadnej liczby nie przypisano do kolumny, wartości nie zgadywano.",
  );
}

/** The note of a row whose values do not parse ("4 l51 4 165 3 1O5 3 449"): nothing of it is read. */
export function unparsedCells(unparsed: string, columns: string[]): Cell[] {
  return noCells(
    columns.length,
    "missing",
    `Wartości wiersza nie da się odczytać: zapis „${unparsed}” zawiera litery zamiast cyfr; ` +
      "żadnej jego części nie odczytano, brak wartości (to nie jest zero).",
  );
}

/**
 * A page's footer, header or number between two parts of a table split over pages: "Strona 1 z 2", "- 3 -",
 * or a running footer that ends in its page number ("MOPS Katowice | strona 1", "Informacja MOPS Jaworzno
 * za 2026 r. – str. 1"): a row never ends in "str."/"strona" and a number.
 */
export function isPageFurniture(line: string): boolean {
  return (
    /^\s*(strona\s+\d+(\s*(z|\/)\s*\d+)?|[-–—]\s*\d+\s*[-–—]|\d+\s*\/\s*\d+)\s*$/iu.test(line) ||
    /(^|[\s|–—·•-])(str\.|strona|s\.)\s*\d+(\s*(z|\/)\s*\d+)?\s*$/iu.test(line)
  );
}

/**
 * A numbered section heading ("2. Kadra ośrodka", "III. Asystent rodziny", "Rozdział 4", and "Ad 3. Kadra" of
 * an answer to a councillor, point by point): no table runs past it.
 */
export function isSectionHeading(line: string): boolean {
  return /^\s*((\d{1,2}|[IVX]{1,5})\.\s+\p{Lu}\p{Ll}|(Rozdział|Część)\s+(\d+|[IVX]+)\b|Ad\s+\d{1,2}[.)]?\s+\p{Lu})/u.test(
    line,
  );
}
