/**
 * A table exported from the BDL website as CSV (for a machine with no network), read into reference
 * figures. The layout accepted (the website's "Eksport → CSV"):
 *
 * - fields separated by `;`, UTF-8 (with or without BOM) or Windows-1250, quotes as in RFC 4180;
 * - the header starts with `Kod;Nazwa`; then one column per variable × year. The header may be one row
 *   (`Kod;Nazwa;ogółem;2023;[osoba];…` is not a layout: each column's header is one cell, e.g.
 *   `ogółem;2023;[osoba]` quoted) or several rows (dimension, year, unit) before the first row with a code;
 *   each column's header, its cells read top to bottom, must name exactly one year;
 * - each data row: the unit's TERYT code in "Kod" (7 digits; rows of voivodeships and powiats, whose gmina
 *   part is 00, are skipped), its name, then the values: spaces as thousands separators, a decimal comma;
 *   an empty cell or `-` is a missing value (never zero);
 * - columns headed "Atrybut" (the website's value qualifiers) and empty trailing columns are ignored;
 *   when a year has several columns (ogółem, mężczyźni, kobiety…), the one whose header names only
 *   "ogółem" is taken, and another layout is rejected naming the file and the reason.
 *
 * Pure: text in, figures out. The caller adds provenance (file name, variable id, time).
 */
import { dsvFormat } from "d3";

export class ExportRejected extends Error {
  constructor(fileName: string, reason: string) {
    super(`${fileName}: ${reason}`);
    this.name = "ExportRejected";
  }
}

/** The text of an export: UTF-8 when it decodes as such, else Windows-1250 (the website's older exports). */
export function decodeExport(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("windows-1250").decode(bytes);
  }
}

export interface ExportValue {
  teryt: string;
  name: string;
  year: number;
  value: number;
  /** The column's header as the file gives it (provenance). */
  column: string;
}

const YEAR = /\b(19[89]\d|20\d{2})\b/g;
const MISSING = /^(|-|–|—|\.|x|X)$/;

/** A number as the website writes it: "642 869", "1 234,5"; null for a missing value; NaN for anything else. */
export function exportNumber(cell: string): number | null {
  const s = cell.replace(/[\s\u00a0\u202f]/g, "");
  if (MISSING.test(s)) return null;
  if (!/^-?\d+(,\d+)?$/.test(s)) return Number.NaN;
  return Number(s.replace(",", "."));
}

/** Read an export's values; rejects (ExportRejected) a file of another layout with the reason. */
export function readExport(
  text: string,
  fileName: string,
): { values: ExportValue[]; skippedRows: number; missing: number } {
  const reject = (reason: string) => new ExportRejected(fileName, reason);
  const rows = dsvFormat(";")
    .parseRows(text)
    .filter((r) => r.some((c) => c.trim() !== ""));
  const first = rows[0];
  if (first?.[0]?.trim().toLowerCase() !== "kod" || first[1]?.trim().toLowerCase() !== "nazwa")
    throw reject(
      'to nie jest eksport CSV z BDL: pierwszy wiersz ma zaczynać się od kolumn "Kod;Nazwa" (pola rozdzielone średnikiem) — ' +
        'not a BDL CSV export: the header must start with "Kod;Nazwa", semicolon-separated',
    );
  const isCode = (cell: string | undefined) => /^\d{7}$/.test(cell?.trim() ?? "");
  const headerEnd = rows.findIndex((r) => isCode(r[0]));
  if (headerEnd < 0)
    throw reject("brak wierszy z kodem TERYT (7 cyfr) w kolumnie Kod — no rows with a 7-digit TERYT code");
  const header = rows.slice(0, headerEnd);
  const width = Math.max(...rows.map((r) => r.length));
  const columns: { index: number; year: number; label: string }[] = [];
  for (let j = 2; j < width; j++) {
    const label = header
      .map((r) => r[j]?.trim() ?? "")
      .filter((c) => c !== "")
      .join(" | ");
    if (label === "" || /atrybut|attribute/i.test(label)) continue;
    const years = [...new Set([...label.matchAll(YEAR)].map((m) => Number(m[1])))];
    if (years.length !== 1 || years[0] === undefined)
      throw reject(
        `kolumna ${j + 1} („${label}”) ${years.length ? "podaje kilka lat" : "nie podaje roku"} — column ${j + 1} must name exactly one year`,
      );
    columns.push({ index: j, year: years[0], label });
  }
  if (columns.length === 0) throw reject("brak kolumn z wartościami dla lat — no value columns");
  // One column per year: the total when a year has several (by sex, by age…).
  const chosen = new Map<number, (typeof columns)[number]>();
  for (const year of new Set(columns.map((c) => c.year))) {
    const ofYear = columns.filter((c) => c.year === year);
    const totals = ofYear.filter((c) =>
      c.label
        .replace(YEAR, "")
        .replace(/\[[^\]]*\]/g, "")
        .split(/[|;]/)
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .every((s) => /^ogółem$/i.test(s)),
    );
    const pick = ofYear.length === 1 ? ofYear[0] : totals.length === 1 ? totals[0] : undefined;
    if (!pick)
      throw reject(
        `rok ${year} ma ${ofYear.length} kolumn (${ofYear.map((c) => `„${c.label}”`).join(", ")}) i żadna nie jest jedyną kolumną „ogółem”; ` +
          `wyeksportuj z BDL samą sumę ogółem — year ${year} has several columns and no single total`,
      );
    chosen.set(year, pick);
  }
  const values: ExportValue[] = [];
  let skippedRows = 0;
  let missing = 0;
  for (const [i, row] of rows.slice(headerEnd).entries()) {
    const code = row[0]?.trim() ?? "";
    if (!isCode(code))
      throw reject(`wiersz ${headerEnd + i + 1}: „${code}” nie jest kodem TERYT (7 cyfr) — not a TERYT code`);
    // Voivodeships and powiats (gmina part 00) are not gminas.
    if (code.slice(4, 6) === "00" || code[6] === "0") {
      skippedRows++;
      continue;
    }
    for (const c of chosen.values()) {
      const n = exportNumber(row[c.index] ?? "");
      if (n === null) {
        missing++;
        continue;
      }
      if (Number.isNaN(n))
        throw reject(
          `wiersz ${headerEnd + i + 1}, kolumna ${c.index + 1}: „${row[c.index]}” nie jest liczbą — not a number`,
        );
      values.push({ teryt: code, name: row[1]?.trim() ?? "", year: c.year, value: n, column: c.label });
    }
  }
  const seen = new Set<string>();
  for (const v of values) {
    const key = `${v.teryt}|${v.year}`;
    if (seen.has(key)) throw reject(`kod ${v.teryt} występuje dwa razy — TERYT ${v.teryt} given twice`);
    seen.add(key);
  }
  return { values, skippedRows, missing };
}
