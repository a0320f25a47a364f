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
import type { Extractor, ReadingContext } from "../lib/extractor.ts";
import { oneFigurePerPlace } from "../lib/grain.ts";
import { splitDigitGroups, splitLabelledRow } from "../lib/numbers.ts";
import type { ExtractedObservation, Flag, Recognition } from "../lib/observation.ts";
import { isPageFurniture } from "../lib/period-tables.ts";
import {
  breakdownFromLabel,
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

const TABLE_START = /^\s*Tabela\s+Nr\s*\d+\s*:?\s*$/i;
/** Words that open a column header ("Liczba rodzin z dziećmi", "Ilość interwencji"), on normalised text. */
const COLUMN_WORD = /(?<!\p{L})(liczba|ilosc|kwota|wartosc)(?!\p{L})/gu;
const SENTENCE_END = /[.!?]\s+\p{Lu}/u;

/** A table as laid out in the document: its header and rows, each row with its label and digit groups. */
export interface Table {
  firstLine: number;
  lastLine: number;
  rowHeader: string;
  columns: string[];
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
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

function looksLikeProse(line: string): boolean {
  const s = line.trim();
  return (
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

/** Every "Tabela Nr N:" with its header, columns and rows; the prose after a table is not part of it. */
export function readTables(doc: SourceText): Table[] {
  const starts = doc.findLines(TABLE_START);
  return starts.flatMap((start, i): Table[] => {
    const limit = (starts[i + 1] ?? doc.lines.length + 1) - 1;
    const lines = [...doc.nonBlankLines(start + 1, limit)];
    const first = lines.findIndex(([, t]) => isRow(t));
    if (first < 0) return [];
    const pre = lines.slice(0, first);
    const lastHeader = pre.findLastIndex(([, t]) => new RegExp(COLUMN_WORD).test(normaliseLabel(t)));
    const header = normaliseLabel(
      pre
        .slice(0, lastHeader + 1)
        .map(([, t]) => t)
        .join(" "),
    );
    const cuts = [...header.matchAll(COLUMN_WORD)].map((m) => m.index);
    const rowHeader = (cuts.length ? header.slice(0, cuts[0]) : header).trim();
    const columns = cuts.map((at, k) => header.slice(at, cuts[k + 1]).trim());

    // The header's lines, to know them again when the header is repeated after a page break.
    const headerLines = new Set(pre.slice(0, lastHeader + 1).map(([, t]) => normaliseLabel(t)));
    let pending: [number, string][] = pre.slice(lastHeader + 1).map(([n, t]) => [n, t.trim()]);
    let lastLine = pre.at(-1)?.[0] ?? start;
    const rows: TableRow[] = [];
    let ended = false;
    for (const [n, t] of lines.slice(first)) {
      // A table split over two pages: the page's number between its rows is no row.
      if (isPageFurniture(t)) continue;
      // A table split over two pages with its header repeated on the second: the header is no row.
      if (pending.length === 0 && headerLines.has(normaliseLabel(t)) && !isRow(t)) continue;
      if (isRow(t)) {
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
        const r = splitLabelledRow(t);
        rows.push({
          line: n,
          label: collapse([...pending.map(([, p]) => p), r.label].join(" ")),
          numbers: r.numbers,
          unparsed: r.unparsed,
          quote: t.trim(),
          above: pending,
          ownLabel: r.label,
        });
        pending = [];
        lastLine = n;
        continue;
      }
      if (looksLikeProse(t) || pending.length >= 4) {
        ended = true;
        break;
      }
      pending.push([n, t.trim()]);
    }
    // The table runs into the next one (or the end of the document) with a label and no value: the value was lost.
    const lastPending = pending.at(-1);
    if (!ended && lastPending) {
      rows.push(valueLessRow(pending));
      lastLine = lastPending[0];
    }
    return [{ firstLine: start, lastLine, rowHeader, columns, rows }];
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
    if (breakdown === null) {
      breakdown = breakdownFromLabel(label);
      notes.push(
        `Wiersza „${label}” nie ma w słowniku „${vocabulary}”; identyfikator podziału utworzono z etykiety.`,
      );
    }
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

function tableFigures(doc: SourceText): { figures: Figure[]; unread: UnreadNumber[] } {
  const figures: Figure[] = [];
  const unread: UnreadNumber[] = [];
  for (const table of readTables(doc)) {
    const head = collapse([table.rowHeader, ...table.columns].join(" "));
    const spec = TABLES.find((s) => s.identify.test(head || normaliseLabel(table.rows[0]?.label ?? "")));
    const count = Math.max(1, table.columns.length);
    for (const row of unjoinRows(table.rows, spec?.columns ?? [])) {
      const split = row.numbers === "" ? null : splitDigitGroups(row.numbers, count);
      for (let c = 0; c < count; c++) {
        const column = spec?.columns.find((cs) => cs.header.test(table.columns[c] ?? ""));
        const m = column ? meaning(column, row.label) : null;
        if (!m || split?.kind === "none") {
          unread.push({ line: row.line, text: row.numbers, context: row.label });
          continue;
        }
        const base = {
          metric: m.metric,
          breakdown: m.breakdown,
          line: row.line,
          quote: row.quote,
          label: row.label,
        };
        if (split === null) {
          const why =
            row.unparsed === ""
              ? "Dokument nie podaje wartości tego wiersza (to nie jest zero)."
              : `Zapisu „${row.unparsed}” nie da się odczytać jako liczby (litery zamiast cyfr); wartości nie odczytano ani nie wzięto z sąsiedniego wiersza (to nie jest zero).`;
          figures.push({
            ...base,
            value: null,
            flags: [...m.flags, "missing"],
            note: [...m.notes, why].join(" "),
          });
        } else if (split.kind === "ambiguous") {
          const readings = split.readings.map((r) => r.join(" | ")).join(" albo ");
          figures.push({
            ...base,
            value: null,
            flags: [...m.flags, "ambiguous"],
            note: [
              ...m.notes,
              `Zapis „${row.numbers}” pasuje do kilku podziałów na kolumny: ${readings}.`,
            ].join(" "),
          });
        } else {
          figures.push({
            ...base,
            value: split.values[c] ?? null,
            flags: m.flags,
            note: m.notes.join(" ") || null,
          });
        }
      }
    }
  }
  return { figures, unread };
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

/** The numbered tables and the prose around them: one figure set, so that table and prose are weighed together. */
function readProgrammeReport(doc: SourceText, context: ReadingContext): ExtractedObservation[] {
  if (context.year === null) return [];
  const period = String(context.year);
  const figures = [...tableFigures(doc).figures, ...proseFigures(doc).figures];
  return flagContradictions(
    oneFigurePerPlace(
      figures.map((f) => ({
        centre_id: context.centre.centre_id,
        period_id: period,
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
}
