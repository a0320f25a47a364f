/**
 * Jaworzno: "Sprawozdanie z realizacji Gminnego Programu Wspierania Rodziny w Jaworznie … za rok YYYY",
 * the yearly report on the municipal family-support programme. Tables "Tabela Nr 1–7" (column headers say
 * what each number counts; labels wrap; a value can stand on its own line; thousands are space-separated)
 * and prose with further figures (Zespoły Aktywizacji i Wsparcia, respite care, Karta Dużej Rodziny, …).
 *
 * The report gives the number of families with a family assistant but not the number of assistants: no
 * family_assistants figure is made up for it (missing is not zero).
 */
import { matchBreakdown, unitOf } from "../lib/catalogue.ts";
import type { CentreRecord } from "../lib/centres.ts";
import { escapeRegExp, normaliseLabel, type SourceText } from "../lib/document.ts";
import { type Extractor, type ReadingContext, RowsSkipped } from "../lib/extractor.ts";
import { oneFigurePerPlace } from "../lib/grain.ts";
import {
  CHANGE_COLUMN,
  cellsWithGaps,
  furnitureOf,
  isNoteLine,
  missingTokenNote,
  stripFootnoteMarks,
  withoutTrailingChange,
} from "../lib/layout.ts";
import { IN_THOUSANDS, splitDigitGroups, splitLabelledRow, thousandsNote } from "../lib/numbers.ts";
import type { ExtractedObservation, Flag, Recognition } from "../lib/observation.ts";
import { isSectionHeading } from "../lib/period-tables.ts";
import {
  Flow,
  flagContradictions,
  type ProseRule,
  polishDate,
  readProse,
  type UnreadNumber,
} from "../lib/prose.ts";

const WHOLE_YEAR_NOTE =
  "Rodziny objęte wsparciem asystenta w ciągu całego roku, nie jednocześnie; ustawowy limit 15 rodzin na asystenta dotyczy pracy w tym samym czasie.";

// ---------------------------------------------------------------------------------------------------------
// Tables

/**
 * "Tabela Nr 3:", "Tabela nr 3.", "Tabela 3", "Tab. 3 – Interwencje kryzysowe": the title after the number
 * is the table's first header line. A sentence that starts with "Tabela 3 przedstawia …" is no table.
 */
const TABLE_START = /^\s*Tab(?:ela|\.)\s*(?:nr\.?\s*)?\d+\s*[.:–-]?\s*(?<title>[^.!?]{0,100})$/iu;
/** "Tabela Nr 5 (cd.)", "Tabela 5 – ciąg dalszy": the table goes on after a page break, no new table. */
const TABLE_GOES_ON = /\(?\s*(c\.\s?d\.?|cd\.?|ciąg dalszy|kontynuacja)\s*\)?\s*:?\s*$/iu;
/** A continuation line: a table's number and a "(cd.)" ("(cd.)" holds a dot, so TABLE_START never matches it). */
const isContinuation = (t: string) =>
  /^\s*Tab(?:ela|\.)\s*(?:nr\.?\s*)?\d+\b/iu.test(t) && TABLE_GOES_ON.test(t);
/** Words that open a column header ("Liczba rodzin z dziećmi", "Ilość interwencji"), on normalised text. */
const COLUMN_WORD = /(?<!\p{L})(liczba|ilosc|kwota|wartosc)(?!\p{L})/gu;
/** Where a header's columns begin: a column word, or a column of the change against another year. */
const COLUMN_CUT = /(?<!\p{L})(liczba|ilosc|kwota|wartosc|zmiana|dynamika|roznica)(?!\p{L})/gu;
/** A header line of years and change columns only ("2026 2027 zmiana %"): part of the header, no row. */
const YEAR_HEADER = /^(?:(?:19|20)\d{2}\s*(?:r\.|rok)?|zmiana|dynamika|roznica|\(?%\)?|\s|[|/])+$/iu;
const SENTENCE_END = /[.!?]\s+\p{Lu}/u;

/** A table as laid out in the document: its header and rows, each row with its label and digit groups. */
export interface Table {
  firstLine: number;
  lastLine: number;
  rowHeader: string;
  columns: string[];
  /** The year of each column when the header names one ("Liczba rodzin 2026 Liczba rodzin 2027"), else null. */
  years: (string | null)[];
  rows: TableRow[];
}

interface TableRow {
  /** Line where the values stand (the label can start lines above). */
  line: number;
  label: string;
  /** Digit groups as written, e.g. "1 189"; empty when the document lost the value or it does not parse. */
  numbers: string;
  /** What stands where the value stands but is no number ("1O6"); empty otherwise. */
  unparsed: string;
  quote: string;
  /** The label's lines above the value line ([line, text]), when the label wraps; empty otherwise. */
  above: [number, string][];
  /** The label as written on the value line itself. */
  ownLabel: string;
  /** One value per column when some stand as a dash or "b.d." (null there); absent otherwise. */
  cells?: (number | null)[];
  /** The dashes as written, for the note of a missing value. */
  dashes?: string[];
  /** The row or its value carries a footnote mark ("20*"). */
  marked?: boolean;
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** A letter's closing and signature ("Z poważaniem", "Z up. Dyrektora", "Dyrektor MOPS"): no row's label. */
const CLOSING =
  /^(z\s+poważaniem|z\s+wyrazami\s+szacunku|z\s+up\.|dyrektor\b|kierownik\b|sporządził|koordynator\b)/iu;

function looksLikeProse(line: string): boolean {
  const s = line.trim();
  return (
    CLOSING.test(s) ||
    /[.!?]$/.test(s) ||
    SENTENCE_END.test(s) ||
    /^(Kierunek|Tabela)\b/i.test(s) ||
    /^[−–•-]\s/.test(s) ||
    s.length > 100
  );
}

function isRow(line: string): boolean {
  const r = splitLabelledRow(line);
  return (r.numbers !== "" || r.unparsed !== "") && !SENTENCE_END.test(r.label) && r.label.length <= 160;
}

/** A line that starts a row of its own: rows begin with a capital, a wrapped label goes on in lower case. */
const startsCapital = (text: string) => /^\p{Lu}/u.test(text.trim());

/** A row whose value the document does not give: its label lines, and no number (missing, not zero). */
function valueLessRow(lines: [number, string][]): TableRow {
  const last = lines.at(-1) ?? [0, ""];
  const label = collapse(lines.map(([, t]) => t).join(" "));
  return {
    line: last[0],
    label,
    numbers: "",
    unparsed: "",
    quote: last[1].trim(),
    above: lines.slice(0, -1),
    ownLabel: collapse(last[1]),
  };
}

/**
 * The columns of a header, cut where a column word begins; a column that names two years or more ("liczba
 * rodzin 2026 2027") is one column per year. Change columns ("zmiana %") are kept, to be known and not read.
 */
function headerColumns(header: string): { rowHeader: string; columns: string[]; years: (string | null)[] } {
  const cuts = [...header.matchAll(COLUMN_CUT)].map((m) => m.index);
  // "rodziny objete pomoca specjalistow 2026 2027": no column word, a column per year (see isYearColumnsHeader).
  const yearsOnly = /^(?<rows>.*?)\s+(?<years>(?:(?:19|20)\d{2}\s+)+(?:19|20)\d{2})$/.exec(header);
  if (cuts.length === 0 && yearsOnly?.groups) {
    const years = (yearsOnly.groups.years ?? "").split(/\s+/);
    return { rowHeader: (yearsOnly.groups.rows ?? "").trim(), columns: years, years };
  }
  const rowHeader = (cuts.length ? header.slice(0, cuts[0]) : header).trim();
  const columns: string[] = [];
  const years: (string | null)[] = [];
  for (const [k, at] of cuts.entries()) {
    const column = header.slice(at, cuts[k + 1]).trim();
    const named = column.match(/(?<!\d)(?:19|20)\d{2}(?!\d)/g) ?? [];
    if (named.length >= 2 && !CHANGE_COLUMN.test(column)) {
      const base = column
        .replace(/(?:\b(?:w|za)\s+)?(?<!\d)(?:19|20)\d{2}(?!\d)\s*(?:r\.|rok\b)?/g, "")
        .trim();
      for (const y of named) {
        columns.push(`${base} ${y}`);
        years.push(y);
      }
    } else {
      columns.push(column);
      years.push(CHANGE_COLUMN.test(column) ? null : (named[0] ?? null));
    }
  }
  return { rowHeader, columns, years };
}

/**
 * A line that can be a table's first row before its header is known: a row, or one with a change at its end
 * ("24 27 +12,5%"), a footnote mark ("12*") or a dash for a missing value ("5 –").
 */
function mayBeRow(t: string): boolean {
  const line = stripFootnoteMarks(t).text;
  return isRow(line) || isRow(withoutTrailingChange(line)) || cellsWithGaps(line, 1) !== null;
}

const isYearHeader = (t: string) => YEAR_HEADER.test(normaliseLabel(t)) && /\d{4}/.test(t);

/**
 * A header that names its rows and then one column per year, with no column word ("Rodziny objęte pomocą
 * specjalistów 2026 2027", as a city's yearly report lays a programme table out): consecutive years, no row.
 */
function isYearColumnsHeader(t: string): boolean {
  const r = splitLabelledRow(t);
  const years = r.numbers.split(/\s+/).map(Number);
  return (
    r.label !== "" &&
    years.length >= 2 &&
    years.every((y, i) => y >= 1990 && y <= 2099 && (i === 0 || y === (years[i - 1] ?? 0) + 1))
  );
}

/** Every "Tabela Nr N:" with its header, columns and rows; the prose after a table is not part of it. */
export function readTables(doc: SourceText): Table[] {
  const starts = doc.findLines(TABLE_START).filter((n) => !isContinuation(doc.line(n)));
  const furniture = furnitureOf(doc);
  return starts.flatMap((start, i): Table[] => {
    const limit = (starts[i + 1] ?? doc.lines.length + 1) - 1;
    const title = TABLE_START.exec(doc.line(start))?.groups?.title?.trim() ?? "";
    const lines: [number, string][] = [
      ...(title === "" ? [] : [[start, title] as [number, string]]),
      ...[...doc.nonBlankLines(start + 1, limit)].filter(([, t]) => !furniture(t)),
    ];
    const first = lines.findIndex(([, t]) => mayBeRow(t) && !isYearHeader(t) && !isYearColumnsHeader(t));
    if (first < 0) return [];
    const pre = lines.slice(0, first);
    const lastHeader = pre.findLastIndex(
      ([, t]) => new RegExp(COLUMN_WORD).test(normaliseLabel(t)) || isYearHeader(t) || isYearColumnsHeader(t),
    );
    const header = normaliseLabel(
      pre
        .slice(0, lastHeader + 1)
        .map(([, t]) => t)
        .join(" "),
    );
    const { rowHeader, columns, years } = headerColumns(header);
    // Change columns at the end of the header: their values are taken off each row before it is split.
    let changes = 0;
    while (changes < columns.length && CHANGE_COLUMN.test(columns[columns.length - 1 - changes] ?? ""))
      changes++;
    const valuesOf = (t: string) => {
      let line = stripFootnoteMarks(t).text;
      for (let k = 0; k < changes; k++) line = withoutTrailingChange(line);
      return line;
    };
    const valueColumns = columns.length - changes;

    // The header's lines, to know them again when the header is repeated after a page break.
    const headerLines = new Set(pre.slice(0, lastHeader + 1).map(([, t]) => normaliseLabel(t)));
    let pending: [number, string][] = pre.slice(lastHeader + 1).map(([n, t]) => [n, t.trim()]);
    let lastLine = pre.at(-1)?.[0] ?? start;
    const rows: TableRow[] = [];
    let ended = false;
    for (const [n, t] of lines.slice(first)) {
      // A table split over two pages: "Tabela Nr 5 (cd.)" on the second page is no row.
      if (isContinuation(t)) continue;
      // A numbered section heading ("II. Diagnoza sytuacji rodzin") ends the table: it is no row's label.
      if (isSectionHeading(t)) {
        ended = true;
        break;
      }
      // A table split over two pages with its header repeated on the second: the header is no row.
      if (pending.length === 0 && headerLines.has(normaliseLabel(t)) && (!isRow(t) || isYearHeader(t)))
        continue;
      // A note under the table ("* dane szacunkowe", "Źródło: …") ends it.
      if (isNoteLine(t)) {
        ended = true;
        break;
      }
      const line = valuesOf(t);
      const gaps = valueColumns > 0 ? cellsWithGaps(line, valueColumns) : cellsWithGaps(line, 1);
      if (gaps) {
        if (pending.length > 0 && startsCapital(pending[0]?.[1] ?? "") && startsCapital(t)) {
          rows.push(valueLessRow(pending));
          pending = [];
        }
        rows.push({
          line: n,
          label: collapse([...pending.map(([, p]) => p), gaps.label].join(" ")),
          numbers: "",
          unparsed: "",
          quote: t.trim(),
          above: pending,
          ownLabel: gaps.label,
          cells: gaps.cells,
          dashes: gaps.dashes,
          marked: stripFootnoteMarks(t).marked,
        });
        pending = [];
        lastLine = n;
        continue;
      }
      if (isRow(line)) {
        // A figure that names its own count ("Liczba sal szkoleniowych 2") after a table whose header
        // names the count of its rows ("Ilość interwencji") is no row of it: another list begins (with
        // its heading, the label lines pending above it), and the table ends.
        if (columns.length > 0 && new RegExp(`^${COLUMN_WORD.source}`, "u").test(normaliseLabel(t))) {
          ended = true;
          break;
        }
        // "Wsparcie pracownika socjalnego" without its number, then "Wsparcie psychologa 42": two rows, the
        // first one without a value; never one label that takes the next row's number.
        if (pending.length > 0 && startsCapital(pending[0]?.[1] ?? "") && startsCapital(t)) {
          rows.push(valueLessRow(pending));
          pending = [];
        }
        const r = splitLabelledRow(line);
        rows.push({
          line: n,
          label: collapse([...pending.map(([, p]) => p), r.label].join(" ")),
          numbers: r.numbers,
          unparsed: r.unparsed,
          quote: t.trim(),
          above: pending,
          ownLabel: r.label,
          marked: stripFootnoteMarks(t).marked,
        });
        pending = [];
        lastLine = n;
        continue;
      }
      if (looksLikeProse(t) || pending.length >= 4) {
        ended = true;
        break;
      }
      pending.push([n, stripFootnoteMarks(t).text.trim()]);
    }
    // The table runs into the next one (or the end of the document) with a label and no value: the value was lost.
    const lastPending = pending.at(-1);
    if (!ended && lastPending) {
      rows.push(valueLessRow(pending));
      lastLine = lastPending[0];
    }
    return [{ firstLine: start, lastLine, rowHeader, columns, years, rows }];
  });
}

interface RowRule {
  /** On the normalised row label. */
  match: RegExp;
  metric: string;
  /** Breakdown from this vocabulary (matched on the label); without it the row is the metric's total. */
  vocabulary?: string;
  flags?: Flag[];
  note?: string;
}

interface ColumnSpec {
  /** On the normalised column header. */
  header: RegExp;
  rows: RowRule[];
  /** For rows no rule names: the metric of the column, the breakdown matched in the vocabulary. */
  fallback?: { metric: string; vocabulary: string };
}

interface TableSpec {
  /** On the normalised header, or on the first row's label when the table has no header. */
  identify: RegExp;
  columns: ColumnSpec[];
}

const TABLES: TableSpec[] = [
  {
    identify: /aktywizacji zawodowej/,
    columns: [
      {
        header: /^liczba rodzin/,
        rows: [],
        fallback: { metric: "families_with_children_in_activation", vocabulary: "activation_measure" },
      },
      {
        header: /^liczba dzieci/,
        rows: [],
        fallback: { metric: "children_in_families_in_activation", vocabulary: "activation_measure" },
      },
    ],
  },
  {
    identify: /narzedzia diagnostyczne/,
    columns: [
      {
        header: /^liczba rodzin/,
        rows: [],
        fallback: { metric: "families_by_diagnostic_tool", vocabulary: "diagnostic_tool" },
      },
    ],
  },
  {
    identify: /interwencj/,
    columns: [
      {
        header: /interwencj/,
        rows: [{ match: /w tym:?$|^interwencje w sytuacjach zagrozenia/, metric: "crisis_interventions" }],
        fallback: { metric: "crisis_interventions", vocabulary: "intervention_type" },
      },
    ],
  },
  {
    identify: /pomoca specjalistow/,
    columns: [
      {
        header: /^liczba rodzin/,
        rows: [
          {
            match: /asystent/,
            metric: "families_with_family_assistant",
            flags: ["whole_year_count"],
            note: WHOLE_YEAR_NOTE,
          },
        ],
        fallback: { metric: "families_with_specialist_support", vocabulary: "specialist_type" },
      },
    ],
  },
  {
    identify: /dzialania na rzecz rodzin/,
    columns: [
      {
        header: /dzialan/,
        rows: [
          { match: /^wizyt/, metric: "home_visits", vocabulary: "specialist_type" },
          { match: /opini/, metric: "opinions_to_external_institutions", vocabulary: "specialist_type" },
        ],
      },
    ],
  },
  {
    identify: /obszary asystentury/,
    columns: [
      {
        header: /^liczba rodzin/,
        rows: [],
        fallback: {
          metric: "families_with_family_assistant_by_situation",
          vocabulary: "family_assistance_situation",
        },
      },
    ],
  },
  {
    identify: /si kdr|kart\w* duzej rodziny/,
    columns: [
      {
        header: /^/,
        rows: [
          { match: /^liczba wnioskow/, metric: "large_family_card_applications" },
          {
            match: /^w tym:? wnios/,
            metric: "large_family_card_applications",
            vocabulary: "large_family_type",
          },
          { match: /^liczba osob,? ktorym wydano/, metric: "large_family_card_recipients" },
          {
            match: /^liczba (rodzicow|dzieci)$/,
            metric: "large_family_card_recipients",
            vocabulary: "family_member",
          },
          { match: /^liczba wydanych kart/, metric: "large_family_cards_issued" },
        ],
      },
    ],
  },
];

interface Figure {
  /** The column's own year, when its header names one; else the document's year. */
  period?: string;
  metric: string;
  breakdown: string | null;
  value: number | null;
  line: number;
  quote: string;
  label: string;
  flags: Flag[];
  note: string | null;
}

/** What a row means in its column: the metric and breakdown, or null when the table spec does not know it. */
function meaning(
  spec: ColumnSpec,
  label: string,
): { metric: string; breakdown: string | null; flags: Flag[]; notes: string[] } | null {
  const norm = normaliseLabel(label);
  const rule = spec.rows.find((r) => r.match.test(norm));
  const metric = rule?.metric ?? spec.fallback?.metric;
  const vocabulary = rule ? rule.vocabulary : spec.fallback?.vocabulary;
  if (!metric) return null;
  const notes = rule?.note ? [rule.note] : [];
  let breakdown: string | null = null;
  if (vocabulary) {
    breakdown = matchBreakdown(vocabulary, label);
    // A row the vocabulary does not know is not read: its meaning is never made up from its label (the
    // table's reader skips it with a warning, RowsSkipped).
    if (breakdown === null) return null;
  }
  return { metric, breakdown, flags: [...(rule?.flags ?? [])], notes };
}

/**
 * What a label names by itself in a column (a row rule or a word of the vocabulary), without the fallback
 * of an id made from the label; null when it names nothing the table knows.
 */
function namedBy(spec: ColumnSpec, label: string): string | null {
  const norm = normaliseLabel(label);
  const rule = spec.rows.findIndex((r) => r.match.test(norm));
  const vocabulary = rule >= 0 ? spec.rows[rule]?.vocabulary : spec.fallback?.vocabulary;
  const breakdown = vocabulary ? matchBreakdown(vocabulary, label) : null;
  if (rule < 0 && breakdown === null) return null;
  return `${rule}|${breakdown ?? ""}`;
}

/**
 * A row whose label lines above its value line name one row of the table and whose own line names
 * another ("liczba osób, którym wydano karty" without its number, then "liczba rodziców 915"): two rows,
 * the first one without a value. A label that only wraps ("realizacja programów aktywizacji / zawodowej
 * i społecznej … 5 9") stays one row.
 */
function unjoinRows(rows: TableRow[], specs: ColumnSpec[]): TableRow[] {
  return rows.flatMap((row) => {
    if (row.above.length === 0 || row.ownLabel === "") return [row];
    const above = collapse(row.above.map(([, t]) => t).join(" "));
    const apart = specs.some((spec) => {
      const first = namedBy(spec, above);
      const own = namedBy(spec, row.ownLabel);
      return first !== null && own !== null && first !== own;
    });
    if (!apart) return [row];
    return [valueLessRow(row.above), { ...row, label: collapse(row.ownLabel), above: [] }];
  });
}

const FOOTNOTE_NOTE =
  "Wartość oznaczona w dokumencie gwiazdką (przypisem); treść przypisu pod tabelą, np. „dane szacunkowe”.";

/**
 * The figures of the tables. A row no rule of a known table names, in a column that has no fallback, is
 * skipped and named in `skipped` (a warning, never a guess); a change column ("zmiana %") is not read.
 */
function tableFigures(doc: SourceText): { figures: Figure[]; unread: UnreadNumber[]; skipped: string[] } {
  const figures: Figure[] = [];
  const unread: UnreadNumber[] = [];
  const skipped: string[] = [];
  for (const table of readTables(doc)) {
    const head = collapse([table.rowHeader, ...table.columns].join(" "));
    const spec = TABLES.find((s) => s.identify.test(head || normaliseLabel(table.rows[0]?.label ?? "")));
    const valueColumns = table.columns.filter((c) => !CHANGE_COLUMN.test(c)).length;
    const count = Math.max(1, valueColumns);
    for (const row of unjoinRows(table.rows, spec?.columns ?? [])) {
      const fromRow = figures.length;
      // A table or row "w tys." gives thousands: its values are not taken as counts (lib/numbers IN_THOUSANDS).
      const thousandsIn = [row.label, head].find((t) => IN_THOUSANDS.test(t));
      const split = row.cells || row.numbers === "" ? null : splitDigitGroups(row.numbers, count);
      for (let c = 0; c < count; c++) {
        // A column that is only a year ("2026") is the one value column of a table laid out per year.
        const bareYear = table.columns[c] === table.years[c] && spec?.columns.length === 1;
        const column = bareYear
          ? spec?.columns[0]
          : spec?.columns.find((cs) => cs.header.test(table.columns[c] ?? ""));
        const m = column ? meaning(column, row.label) : null;
        if (!m || split?.kind === "none") {
          unread.push({ line: row.line, text: row.numbers, context: row.label });
          // A known table with a row it does not know: skipped, and said so.
          if (spec && column && !m && c === 0) skipped.push(`„${row.label}” (wiersz ${row.line})`);
          continue;
        }
        const base = {
          period: table.years[c] ?? undefined,
          metric: m.metric,
          breakdown: m.breakdown,
          line: row.line,
          quote: row.quote,
          label: row.label,
        };
        const notes = row.marked ? [...m.notes, FOOTNOTE_NOTE] : m.notes;
        if (row.cells) {
          const value = row.cells[c] ?? null;
          figures.push({
            ...base,
            value,
            flags: value === null ? [...m.flags, "missing"] : m.flags,
            note:
              [...notes, ...(value === null ? [missingTokenNote(row.dashes?.[0] ?? "–")] : [])].join(" ") ||
              null,
          });
        } else if (split === null) {
          const why =
            row.unparsed === ""
              ? "Dokument nie podaje wartości tego wiersza (to nie jest zero)."
              : `Zapisu „${row.unparsed}” nie da się odczytać jako liczby (litery zamiast cyfr); wartości nie odczytano ani nie wzięto z sąsiedniego wiersza (to nie jest zero).`;
          figures.push({
            ...base,
            value: null,
            flags: [...m.flags, "missing"],
            note: [...notes, why].join(" "),
          });
        } else if (split.kind === "ambiguous") {
          const readings = split.readings.map((r) => r.join(" | ")).join(" albo ");
          figures.push({
            ...base,
            value: null,
            flags: [...m.flags, "ambiguous"],
            note: [
              ...notes,
              `Zapis „${row.numbers}” pasuje do kilku podziałów na kolumny: ${readings}.`,
            ].join(" "),
          });
        } else {
          figures.push({
            ...base,
            value: split.values[c] ?? null,
            flags: m.flags,
            note: notes.join(" ") || null,
          });
        }
      }
      if (thousandsIn !== undefined) {
        for (const f of figures.slice(fromRow)) {
          if (f.value === null) continue;
          f.value = null;
          f.flags = [...f.flags, "missing"];
          f.note = [f.note, thousandsNote(thousandsIn)].filter(Boolean).join(" ");
        }
      }
    }
  }
  return { figures, unread, skipped };
}

// ---------------------------------------------------------------------------------------------------------
// Prose

/** Up to 80 characters within a sentence ("r." of a year does not end it). */
const GAP = String.raw`(?:[^.\n]|(?<= r)\.){0,80}?`;

const PROSE: ProseRule[] = [
  {
    pattern: String.raw`Zespoł\p{L}* Aktywizacji i Wsparcia${GAP} skorzystał\p{L}* #{n} rodzin\p{L}*`,
    figures: [{ group: "n", metric: "families_by_diagnostic_tool", breakdown: "activation_support_team" }],
  },
  {
    // The lookbehind after the words it ends with (tried only where they stand, not at every position).
    pattern: String.raw`z tej formy wsparcia(?<=poradnictwo psychologiczne[^\n]{0,120}?z tej formy wsparcia) skorzystał\p{L}* #{n} rodzin\p{L}*(?: z dziećmi)?`,
    figures: [{ group: "n", metric: "families_with_specialist_support", breakdown: "psychologist" }],
  },
  {
    pattern: String.raw`warsztat\p{L}*${GAP} uczestniczył\p{L}* #{adults} os\p{L}* dorosł\p{L}*(?: (?:oraz|i) #{children} dzie\p{L}*)?`,
    figures: [
      { group: "adults", metric: "family_assistant_project_participants", breakdown: "adults" },
      { group: "children", metric: "family_assistant_project_participants", breakdown: "children" },
    ],
  },
  {
    pattern: String.raw`Zakładana liczba osób${GAP} wyniosła:? #{total}(?:, w tym #{children} dzie\p{L}*)?`,
    programme: /wytchnieniow/i,
    figures: [
      { group: "total", metric: "respite_care_planned_participants" },
      { group: "children", metric: "respite_care_planned_participants", breakdown: "children" },
    ],
  },
  {
    pattern: String.raw`Faktycznie został\p{L}* objęt\p{L}* wsparciem:? #{total} os\p{L}*(?:, w tym #{children} dzie\p{L}*)?`,
    programme: /wytchnieniow/i,
    figures: [
      { group: "total", metric: "respite_care_participants" },
      { group: "children", metric: "respite_care_participants", breakdown: "children" },
    ],
  },
  {
    // The same wording for another programme („Asystent osobisty …”): its participants, by programme.
    pattern: String.raw`Faktycznie został\p{L}* objęt\p{L}* wsparciem:? #{total} os\p{L}*`,
    figures: [{ group: "total", metric: "programme_participants", breakdownOf: { vocabulary: "programme" } }],
  },
  {
    pattern: String.raw`W pobycie całodobowym${GAP} #{persons} os\p{L}* na okres #{days} dni`,
    programme: /wytchnieniow/i,
    figures: [
      { group: "persons", metric: "respite_care_participants", breakdown: "residential_stay" },
      { group: "days", metric: "respite_care_residential_stay_days" },
    ],
  },
  {
    pattern: String.raw`objęto (?:łącznie )?#{total} os\p{L}*(?:, w tym #{women} kobiet\p{L}*(?: i #{men} mężczyzn\p{L}*)?)?`,
    programme: /piecz/i,
    figures: [
      { group: "total", metric: "foster_care_project_participants" },
      { group: "women", metric: "foster_care_project_participants", breakdown: "female" },
      { group: "men", metric: "foster_care_project_participants", breakdown: "male" },
    ],
  },
  {
    pattern: String.raw`Kartę Dużej Rodziny otrzymał\p{L}* (?:łącznie )?#{total} now\p{L}* rodzin\p{L}*(?: wielodzietn\p{L}*)?(?:,? w tym #{parents} (?:to )?rodzin\p{L}* składając\p{L}* się wyłącznie z rodziców)?`,
    figures: [
      { group: "total", metric: "large_family_card_new_families" },
      { group: "parents", metric: "large_family_card_new_families", breakdown: "parents_only" },
    ],
  },
];

function proseFigures(doc: SourceText): { figures: Figure[]; unread: UnreadNumber[] } {
  const tables = readTables(doc);
  const inTable = (n: number) => tables.some((t) => n >= t.firstLine && n <= t.lastLine);
  const { hits, unread } = readProse(new Flow(doc, (n) => !inTable(n)), PROSE);
  return { figures: hits, unread };
}

// ---------------------------------------------------------------------------------------------------------
// The extractor

/** Numbers of the document that no table or prose rule reads (years, list numbers, … and anything new). */
export function unreadNumbers(doc: SourceText): UnreadNumber[] {
  return [...tableFigures(doc).unread, ...proseFigures(doc).unread].sort((a, b) => a.line - b.line);
}

export const sprawozdanieGpwr: Extractor = {
  id: "jaworzno/sprawozdanie-gpwr",
  kind: "sprawozdanie-gpwr",

  recognise(doc: SourceText, centre: CentreRecord): Recognition | null {
    const head = [...doc.nonBlankLines(1, Math.min(doc.lines.length, 30))].slice(0, 8);
    const norm = normaliseLabel(head.map(([, t]) => t).join(" "));
    // The programme of any gmina ("… Wspierania Rodziny w Jaworznie", "… w Gminie Opole"): the city is the registry's.
    if (!/^sprawozdanie z realizacji gminnego programu wspierania rodziny\b/.test(norm)) return null;
    const year = /\bza rok (\d{4})\b/.exec(norm)?.[1];
    if (!year) return null;
    const last = head.findIndex(([, t]) => /\bza rok \d{4}\b/.test(normaliseLabel(t)));
    const title = collapse(
      head
        .slice(0, last + 1)
        .map(([, t]) => t)
        .join(" "),
    );
    const place = new RegExp(String.raw`^\s*${escapeRegExp(centre.name_pl)},\s+\S`, "u");
    const signed = doc.findLines(place).at(-1);
    return {
      centre_id: centre.centre_id,
      kind: "sprawozdanie-gpwr",
      title,
      periods: [year],
      issued_on: signed === undefined ? null : polishDate(doc.line(signed)),
    };
  },

  readers: [
    {
      id: "jaworzno/programme-report",
      section_pl:
        "tabele numerowane („Tabela Nr 1–7”: rodziny, asystent rodziny, specjaliści, działania) i opis realizacji programu wspierania rodziny",
      read: (doc, context) => readProgrammeReport(doc, context),
    },
  ],
};

/**
 * The numbered tables and the prose around them: one figure set, so that table and prose are weighed together.
 * Rows of a known table that no rule knows are skipped with a warning (RowsSkipped), the other figures kept.
 */
function readProgrammeReport(doc: SourceText, context: ReadingContext): ExtractedObservation[] {
  // The document's year, or its half-year ("w I półroczu 2028 r." → 2028-H1).
  const period = context.period;
  if (period === null) return [];
  const tables = tableFigures(doc);
  const figures = [...tables.figures, ...proseFigures(doc).figures];
  const observations = flagContradictions(
    oneFigurePerPlace(
      figures.map((f) => ({
        centre_id: context.centre.centre_id,
        period_id: f.period ?? period,
        as_of_date: null,
        metric_id: f.metric,
        breakdown: f.breakdown,
        value: f.value,
        unit: unitOf(f.metric),
        line: f.line,
        quote: f.quote,
        label: f.label,
        flags: f.flags,
        note: f.note,
      })),
    ),
  );
  if (tables.skipped.length > 0) {
    throw new RowsSkipped(
      "jaworzno/programme-report",
      `rows of known tables that no rule of the reader knows were skipped: ${tables.skipped.join("; ")}`,
      observations,
    );
  }
  return observations;
}
