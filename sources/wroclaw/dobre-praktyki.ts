/**
 * Wrocław MOPS "Dobre Praktyki" slide deck (text of a PDF presentation): the "DANE ILOŚCIOWE" families
 * table, the Zespół Interdyscyplinarny (NK-A) table, the family-assistant slides and the figures stated on
 * the other slides (staff, trainings, projects, programmes).
 *
 * Nothing here depends on line numbers or on the values: tables are found by their header of periods
 * (column order read from the header), rows by their labels, prose figures by the phrases around them.
 * Phrases wrapped over several lines are matched in the "flow" of the deck (its non-blank lines joined
 * by spaces), and every value found there is mapped back to its own line for the quote.
 */
import { matchBreakdown, metricCatalogue, unitOf } from "../lib/catalogue.ts";
import type { CentreRecord } from "../lib/centres.ts";
import { normaliseLabel, type SourceText, sentenceAround } from "../lib/document.ts";
import type { Extractor, SectionReader } from "../lib/extractor.ts";
import { oneFigurePerPlace } from "../lib/grain.ts";
import { cellsWithGaps, isNoteLine, missingTokenNote } from "../lib/layout.ts";
import { parseNumberWord, splitDigitGroups, splitLabelledRow } from "../lib/numbers.ts";
import type { ExtractedObservation, Flag, Recognition } from "../lib/observation.ts";
import {
  type Cell,
  findPeriodTables,
  isHeaderLine,
  isPageFurniture,
  isSectionHeading,
  type PeriodTable,
  periodPl,
  pl,
  readRowCells,
  unparsedCells,
} from "../lib/period-tables.ts";
import { romanMonth, spanPeriod, UNDATED } from "../lib/periods.ts";

const KIND = "dobre-praktyki";

// ---------------------------------------------------------------------------------------------------------
// Numbers and observations
// ---------------------------------------------------------------------------------------------------------

/** A number in a phrase: space-grouped digits or a Polish number word ("Dwóch"). */
const NUM = String.raw`(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+|\p{L}+)`;
/** A number written with digits only. */
const DIGITS = String.raw`(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)`;

function readNumber(text: string): { value: number; isWord: boolean } | null {
  if (/^\d/.test(text)) return { value: Number(text.replace(/[ \u00a0]/g, "")), isWord: false };
  const value = parseNumberWord(text);
  return value === null ? null : { value, isWord: true };
}

const clean = (s: string) => s.replace(/\s+/g, " ").trim();

interface Draft {
  metric: string;
  breakdown?: string | null;
  period: string;
  value: number | null;
  line: number;
  quote: string;
  label: string;
  flags?: Flag[];
  note?: string | null;
}

function observation(d: Draft): ExtractedObservation {
  return {
    // The centre is the one the registry recognised (models/seeds/centres.csv); readDeck stamps it.
    centre_id: "",
    period_id: d.period,
    as_of_date: null,
    metric_id: d.metric,
    breakdown: d.breakdown ?? null,
    value: d.value,
    unit: unitOf(d.metric),
    line: d.line,
    quote: d.quote,
    label: clean(d.label),
    flags: [...new Set(d.flags ?? [])],
    note: d.note ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The flow: non-blank lines joined, each offset mapped back to its line
// ---------------------------------------------------------------------------------------------------------

interface Place {
  line: number;
  /** Column of the offset in the original line. */
  col: number;
  /** The original line. */
  text: string;
  /** Offset in the flow where this line's text ends. */
  segmentEnd: number;
}

export class Flow {
  readonly text: string;
  private readonly starts: number[] = [];
  private readonly lineNos: number[] = [];
  private readonly indents: number[] = [];
  private readonly ends: number[] = [];

  constructor(readonly doc: SourceText) {
    let text = "";
    for (const [n, raw] of doc.nonBlankLines()) {
      if (text !== "") text += " ";
      this.starts.push(text.length);
      this.lineNos.push(n);
      this.indents.push(raw.length - raw.trimStart().length);
      text += raw.trim();
      this.ends.push(text.length);
    }
    this.text = text;
  }

  locate(offset: number): Place {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const line = this.lineNos[lo] ?? 1;
    return {
      line,
      col: offset - (this.starts[lo] ?? 0) + (this.indents[lo] ?? 0),
      text: this.doc.line(line),
      segmentEnd: this.ends[lo] ?? this.text.length,
    };
  }

  /** Every match of a pattern between two offsets, in order (flags g, d and u are added to its own). */
  matchAll(pattern: RegExp, from = 0, to = this.text.length): RegExpExecArray[] {
    const re = new RegExp(pattern.source, [...new Set(`${pattern.flags}gdu`)].join(""));
    const slice = this.text.slice(0, to);
    re.lastIndex = from;
    const out: RegExpExecArray[] = [];
    for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
      out.push(m);
      if (m[0] === "") re.lastIndex++;
    }
    return out;
  }
}

/** A number captured by a named group, with its place and the sentence it stands in. */
interface Found {
  value: number;
  isWord: boolean;
  text: string;
  line: number;
  quote: string;
}

function found(flow: Flow, m: RegExpExecArray, group: string): Found | null {
  const text = m.groups?.[group];
  const span = m.indices?.groups?.[group];
  if (text === undefined || span === undefined) return null;
  const number = readNumber(text);
  if (!number) return null;
  const place = flow.locate(span[0]);
  // A number that runs over the end of its line cannot be quoted from one line.
  if (span[1] > place.segmentEnd) return null;
  const quote = sentenceAround(place.text, place.col, place.col + text.length);
  return { ...number, text, line: place.line, quote };
}

// ---------------------------------------------------------------------------------------------------------
// The deck: title and the year it presents
// ---------------------------------------------------------------------------------------------------------

interface DeckHeader {
  title: string;
  /** The last year of the title's range ("2000 - 2013" → 2013): the year the deck presents. */
  year: number | null;
}

function readHeader(doc: SourceText): DeckHeader {
  const lines: string[] = [];
  let year: number | null = null;
  for (const [, raw] of doc.nonBlankLines()) {
    lines.push(raw.trim());
    const range = /^(\d{4})\s*[-–]\s*(\d{4})$/.exec(raw.trim());
    if (range) {
      year = Number(range[2]);
      break;
    }
    if (lines.length >= 12) break;
  }
  const upTo = year === null ? lines.findIndex((l) => /Dobre\s+Praktyki/i.test(l)) + 1 : lines.length;
  return { title: clean(lines.slice(0, Math.max(upTo, 1)).join(" ")), year };
}

// ---------------------------------------------------------------------------------------------------------
// Tables headed by periods: "2011 2012 I półrocze 2012 I półrocze 2013", "2011 rok I półrocze 2012 rok …"
// ---------------------------------------------------------------------------------------------------------

const REASONS_HEADER = /powod\w* (korzystania|przyznania|udzielania)/;
const PROSE_START = /^W\s+((19|20)\d{2}|I{1,2}\s+półrocz)/u;

/** Row labels of the tables → core metrics. Reasons are matched by the `reason` vocabulary. */
const ROW_METRICS: [RegExp, string][] = [
  [/^liczba rodzin korzystajac\w* z pomocy/, "families_assisted"],
  [/wylacznie prac\w* socjaln/, "families_social_work_only"],
  [/prac\w* socjaln/, "families_social_work"],
  [/alimentacyjn/, "families_alimony_fund"],
  [/(swiadczen\w*|zasil\w*) rodzinn/, "families_family_benefits"],
  [/\bnk-?a\b|niebiesk\w* kart/, "nk_a_forms"],
  [/grup\w* (robocz|diagnostyczno)/, "nk_working_groups"],
];

function classifyRow(label: string, inReasons: boolean): { metric: string; breakdown: string | null } | null {
  const norm = normaliseLabel(label);
  if (inReasons) {
    const reason = matchBreakdown("reason", label);
    if (reason) return { metric: "families_by_reason", breakdown: reason };
  }
  const hit = ROW_METRICS.find(([re]) => re.test(norm));
  return hit ? { metric: hit[1], breakdown: null } : null;
}

/** How a table ended: in its reasons or not, and the families assisted per column (for a continued table). */
interface TableEnd {
  inReasons: boolean;
  totals: (number | null)[];
}

/**
 * A reason row whose digit groups split several ways ("alkoholizm 1 118 842 1 093": 1 118 | 842 | 1 093, or
 * 1 | 118 842 | 1 093): a family counted under a reason is one of the families assisted in that period, so a
 * reading with a value above that column's total is impossible. When exactly one reading is left, it is the
 * row's, with a note saying why; otherwise the cells stay as they were (ambiguous, nothing guessed).
 */
function resolveByTotals(numbers: string, cells: Cell[], totals: (number | null)[]): Cell[] {
  if (!cells.some((c) => c.flags.includes("ambiguous"))) return cells;
  const split = splitDigitGroups(numbers, cells.length);
  if (split.kind !== "ambiguous") return cells;
  const possible = split.readings.filter((r) =>
    r.every((v, i) => {
      const total = totals[i];
      return total === null || total === undefined || v <= total;
    }),
  );
  const [only] = possible;
  if (possible.length !== 1 || !only || totals.every((t) => t === null || t === undefined)) return cells;
  const note =
    `Zapis „${numbers}” da się podzielić na kilka sposobów; przyjęto ${only.map(pl).join(" | ")}, bo w innym ` +
    "podziale liczba rodzin z danym powodem przekracza liczbę wszystkich rodzin korzystających z pomocy w tym okresie.";
  return only.map((value) => ({ value, flags: [], note }));
}

/**
 * Read one table's rows. `continued` is how the previous table ended when this one repeats its header after
 * a page break (the same columns): its reason rows go on being reasons. Returns how this table ends.
 */
function readTable(
  doc: SourceText,
  table: PeriodTable,
  out: ExtractedObservation[],
  unread: string[],
  continued: TableEnd = { inReasons: false, totals: [] },
): TableEnd {
  let pending: string[] = [];
  let inReasons = continued.inReasons;
  /** Families assisted per column, once the table has given them: the bound of every reason row. */
  let totals = continued.totals;
  const lastLine = [...doc.nonBlankLines()].at(-1)?.[0];
  /** Rows already read in this table, by metric and breakdown: a row written twice is one figure. */
  const seen = new Map<string, { line: number; observations: ExtractedObservation[] }>();
  for (const [n, raw] of doc.nonBlankLines(table.headerTo + 1)) {
    if (isHeaderLine(raw)) break;
    // A page's footer or number is no row; a numbered section heading or a note under the table
    // ("* dane za 2018 r. …", "Źródło: …") ends the table.
    if (isPageFurniture(raw)) continue;
    if (isSectionHeading(raw) || isNoteLine(raw)) break;
    // A dash or "b.d." where a period's value is missing ("bezdomność – 388"): that cell is null, never zero.
    const gaps = cellsWithGaps(raw, table.columns.length);
    const row = gaps ? { label: gaps.label, numbers: "", unparsed: "" } : splitLabelledRow(raw);
    if (!gaps && row.numbers === "" && row.unparsed === "") {
      if (REASONS_HEADER.test(normaliseLabel(raw))) {
        inReasons = true;
        pending = [];
        continue;
      }
      if (PROSE_START.test(raw.trim()) || pending.length >= 2) break;
      pending.push(raw.trim());
      continue;
    }
    const label = clean([...pending, row.label].join(" "));
    pending = [];
    const kind = label === "" ? null : classifyRow(label, inReasons);
    if (!kind) {
      unread.push(`${n}: ${raw.trim()}`);
      continue;
    }
    if (kind.metric !== "families_by_reason") inReasons = false;
    let dashIndex = 0;
    const read: Cell[] | null = gaps
      ? gaps.cells.map((value) =>
          value === null
            ? { value, flags: ["missing"], note: missingTokenNote(gaps.dashes[dashIndex++] ?? "–") }
            : { value, flags: [], note: null },
        )
      : row.unparsed !== ""
        ? unparsedCells(row.unparsed, table.columns)
        : readRowCells(row.numbers, table.columns, { documentEndsInRow: n === lastLine });
    const cells =
      read && !gaps && kind.metric === "families_by_reason"
        ? resolveByTotals(row.numbers, read, totals)
        : read;
    if (cells && kind.metric === "families_assisted") totals = cells.map((c) => c.value);
    if (!cells) {
      unread.push(`${n}: ${raw.trim()}`);
      continue;
    }
    const emitted = cells.map((cell, i) =>
      observation({
        metric: kind.metric,
        breakdown: kind.breakdown,
        period: table.columns[i] ?? "",
        value: cell.value,
        line: n,
        quote: raw.trim(),
        label,
        flags: cell.flags,
        note: cell.note,
      }),
    );
    const rowKey = `${kind.metric}|${kind.breakdown ?? ""}`;
    const earlier = seen.get(rowKey);
    if (!earlier) {
      seen.set(rowKey, { line: n, observations: emitted });
      out.push(...emitted);
      continue;
    }
    // The same row again (a slide repeated, a copy-paste): a value it repeats is one figure, noted; a value
    // it changes is kept as written on both lines, each flagged as a contradiction.
    emitted.forEach((o, i) => {
      const first = earlier.observations[i];
      if (!first) return;
      if (first.value === o.value) {
        const note = `Wiersz powtórzony w dokumencie (linia ${n}) z tą samą wartością; liczony raz.`;
        first.note = first.note ? `${first.note} ${note}` : note;
        return;
      }
      out.push(o);
      // One of the two unreadable: nothing contradicts the value the other gives.
      if (first.value === null || o.value === null) return;
      const note = `Ten sam wiersz stoi w tabeli dwa razy z inną wartością (linie ${earlier.line} i ${n}); zachowano oba zapisy.`;
      for (const x of [first, o]) {
        if (!x.flags.includes("contradiction")) x.flags.push("contradiction");
        x.note = x.note ? `${x.note} ${note}` : note;
      }
    });
  }
  return { inReasons, totals };
}

// ---------------------------------------------------------------------------------------------------------
// Figures outside the tables
// ---------------------------------------------------------------------------------------------------------

interface Context {
  doc: SourceText;
  flow: Flow;
  /** The year the deck presents (from its title), for figures written without a year. */
  year: number;
  /** Where that year comes from, for notes. */
  yearSource: string;
  out: ExtractedObservation[];
}

function assumedYear(ctx: Context, why = "rok nie jest podany przy liczbie") {
  return {
    period: String(ctx.year),
    flags: ["period_assumed"] as Flag[],
    note: `${why}; przyjęto rok prezentacji ${ctx.year} (${ctx.yearSource}).`,
  };
}

/** A stock the text states with no date: marked undated, never given the deck's year (see lib/periods.ts). */
function undated(ctx: Context, what = "stan podany bez daty") {
  return {
    period: UNDATED,
    note: `${what}; dokument (${ctx.yearSource}) nie podaje, na kiedy – okres oznaczony jako „bez daty”, nie przypisano roku.`,
  };
}

/** Push an observation for a captured number; number words are flagged as such. */
function emit(
  ctx: Context,
  m: RegExpExecArray,
  group: string,
  d: Omit<Draft, "value" | "line" | "quote" | "label"> & { label?: string },
): Found | null {
  const f = found(ctx.flow, m, group);
  if (!f) return null;
  const flags = [...(d.flags ?? [])];
  let note = d.note ?? null;
  if (f.isWord) {
    flags.push("number_word");
    note = `„${f.text}” = ${f.value} (liczba zapisana słownie)${note ? `; ${note}` : "."}`;
  }
  ctx.out.push(
    observation({ ...d, value: f.value, line: f.line, quote: f.quote, label: d.label ?? m[0], flags, note }),
  );
  return f;
}

/** Staff and residents stated above the families table, without a year: the deck's year, flagged. */
function readStaffAndResidents(ctx: Context) {
  const rows: [RegExp, string][] = [
    [/^liczba pracownikow socjalnych( terenowych)?\b/, "social_workers"],
    [/^liczba mieszkancow\b/, "residents"],
  ];
  for (const [n, raw] of ctx.doc.nonBlankLines()) {
    const row = splitLabelledRow(raw);
    if (row.numbers === "" && row.unparsed === "") continue;
    const metric = rows.find(([re]) => re.test(normaliseLabel(row.label)))?.[1];
    if (!metric) continue;
    const period = assumedYear(ctx, "rok nie jest podany przy liczbie (slajd „DANE ILOŚCIOWE”)");
    const split = row.unparsed === "" ? splitDigitGroups(row.numbers, 1) : null;
    if (split !== null && split.kind !== "ok") continue;
    ctx.out.push(
      observation({
        metric,
        ...period,
        value: split === null ? null : (split.values[0] ?? null),
        line: n,
        quote: raw.trim(),
        label: row.label,
        ...(split === null
          ? {
              flags: [...period.flags, "missing"] as Flag[],
              note: `${period.note} Zapisu „${row.unparsed}” nie da się odczytać jako liczby (litery zamiast cyfr): brak wartości, to nie jest zero.`,
            }
          : {}),
      }),
    );
  }
}

/** Half-year or year written in a phrase: "W I półroczu 2012" → 2012-H1, "W 2012 roku" → 2012. */
function periodOf(half: string | undefined, year: string): string {
  if (half === "I") return `${year}-H1`;
  if (half === "II") return `${year}-H2`;
  return year;
}

/** "W 2012 roku ze świadczeń MOPS skorzystało 335 usamodzielniających się wychowanków …" */
function readCareLeavers(ctx: Context) {
  const re = new RegExp(
    String.raw`W\s+(?:(?<half>I{1,2})\s+półroczu\s+)?(?<year>(?:19|20)\d{2})(?:\s+(?:roku|r\.))?\s*[-–]?\s*(?:ze\s+świadczeń\s+\p{L}+\s+)?skorzystało\s+(?<v>${NUM})\s+(?:\p{L}+\s+){0,3}?wychowank\p{L}*(?:\s+pieczy\s+zast\p{L}*)?`,
    "i",
  );
  for (const m of ctx.flow.matchAll(re)) {
    const g = m.groups ?? {};
    emit(ctx, m, "v", { metric: "care_leavers_assisted", period: periodOf(g.half, g.year ?? "") });
  }
}

/** The family-assistant slide: "WMA edycja 2011 80 rodzin/20 asystentów", "MOPS - 2013 35 rodzin/3 asystentów". */
function readFamilyAssistants(ctx: Context) {
  const re = new RegExp(
    String.raw`(?<name>(?:\p{Lu}{2,}\s+edycja|\p{Lu}{2,}\s*[-–])\s*(?<year>(?:19|20)\d{2}))\s+(?<families>${DIGITS})\s*rodzin\s*\/\s*(?<assistants>${DIGITS})\s*asystent\p{L}*`,
  );
  for (const m of ctx.flow.matchAll(re)) {
    const g = m.groups ?? {};
    const breakdown = matchBreakdown("programme", g.name ?? "");
    if (!breakdown) continue;
    const period = g.year ?? "";
    emit(ctx, m, "families", {
      metric: "families_with_family_assistant",
      breakdown,
      period,
      flags: ["whole_year_count"],
      note: "Rodziny objęte wsparciem w edycji/roku (w ciągu całego okresu), nie jednocześnie; ustawowy limit 15 rodzin na asystenta dotyczy pracy w tym samym czasie.",
    });
    emit(ctx, m, "assistants", { metric: "family_assistants", breakdown, period });
  }
}

/** Sign language, activation points and field teams: stated without a year. */
function readStaffFacts(ctx: Context) {
  const rules: [RegExp, string][] = [
    [
      new RegExp(
        String.raw`posiada\s+(?<v>${NUM})\s+pracownik\p{L}*,?\s+którzy\s+ukończyli\s+warsztaty\s+lub\s+szkolenia`,
      ),
      "staff_trained_sign_language",
    ],
    [
      new RegExp(String.raw`(?<v>${NUM})\s+pracownik\p{L}*\s+MOPS\s+posiada\p{L}*\s+kwalifikacje\s+tłumacza`),
      "staff_sign_language_interpreters",
    ],
    [
      new RegExp(String.raw`(?<v>${NUM})\s+Punkt\p{L}*\s+Aktywizacji\s+Społeczno`),
      "social_activation_points",
    ],
    [
      new RegExp(
        String.raw`podzielony\s+jest\s+na\s+(?<v>${NUM})\s+Zespoł\p{L}*\s+Terenowej\s+Pracy\s+Socjalnej`,
      ),
      "field_social_work_teams",
    ],
  ];
  for (const [re, metric] of rules) {
    for (const m of ctx.flow.matchAll(re)) emit(ctx, m, "v", { metric, ...undated(ctx) });
  }
}

/** "Specjalistyczne szkolenie … superwizorów pracy socjalnej 2000 – 2001( 35 osób)", "… - 10 osób". */
function readSupervision(ctx: Context) {
  const trained = new RegExp(
    String.raw`superwizorów\s+pracy\s+socjalnej\s+(?<from>\d{4})\s*[-–]\s*(?<to>\d{4})\s*\(\s*(?<v>${NUM})\s+osób\s*\)`,
  );
  for (const m of ctx.flow.matchAll(trained)) {
    const g = m.groups ?? {};
    emit(ctx, m, "v", {
      metric: "supervisors_trained",
      period: spanPeriod(Number(g.from), Number(g.to)),
      note: `Szkolenie w latach ${g.from}–${g.to}: liczba za cały okres, nie za jeden rok.`,
      label: `Specjalistyczne szkolenie zewnętrzne dla przyszłych superwizorów pracy socjalnej ${g.from} – ${g.to} (${g.v} osób)`,
    });
  }
  const selected = new RegExp(
    String.raw`Wyłonienie\s+osób\s+do\s+pełnienia\s+nowej\s+roli[^•]{0,160}?[-–]\s*(?<v>${NUM})\s+osób`,
  );
  for (const m of ctx.flow.matchAll(selected)) {
    // The step has no date; the next step of the process is dated ("X 2001").
    const after = /(?:^|\s)(?:[IVX]+\s+)?((?:19|20)\d{2})\b/.exec(
      ctx.flow.text.slice(m.index + m[0].length, m.index + m[0].length + 240),
    );
    const period = after?.[1] ?? String(ctx.year);
    emit(ctx, m, "v", {
      metric: "supervisors_selected",
      period,
      flags: ["period_assumed"],
      note: after
        ? `Etap bez daty; przyjęto rok następnego etapu procesu (${period}).`
        : `Etap bez daty; przyjęto rok prezentacji ${ctx.year}.`,
      label: `Wyłonienie osób do pełnienia nowej roli w instytucji – ${m.groups?.v} osób`,
    });
  }
}

interface Project {
  name: string;
  key: string;
  from: number;
  to: number;
  breakdown: string | null;
}

const lettersOnly = (s: string) =>
  normaliseLabel(s)
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/** Staff-training projects listed with their years: "• Pomoc społeczna-skuteczna /2008-2010/". */
function projectSpans(flow: Flow): Project[] {
  const re = /•\s*(?<name>[^•/]{3,120}?)\s*\/(?<from>\d{4})\s*[-–]\s*(?<to>\d{4})\//;
  return flow.matchAll(re).map((m) => {
    const name = clean(m.groups?.name ?? "");
    return {
      name,
      key: lettersOnly(name),
      from: Number(m.groups?.from),
      to: Number(m.groups?.to),
      breakdown: matchBreakdown("programme", name),
    };
  });
}

/** The project whose heading (or listing) last precedes a line. */
function projectAt(ctx: Context, projects: Project[], line: number): Project | null {
  let current: Project | null = null;
  const lines = [...ctx.doc.nonBlankLines(1, line)];
  lines.forEach(([, raw], i) => {
    const window = lettersOnly(`${raw} ${lines[i + 1]?.[1] ?? ""}`);
    const hit = projects.find((p) => p.key !== "" && window.startsWith(p.key));
    if (hit) current = hit;
  });
  return current;
}

/** Results of the staff-training projects (e.g. „Wszechstronne edukowanie – efektywne pomaganie” 2006–2008), stated for the whole project. */
function readTrainingProjects(ctx: Context) {
  const projects = projectSpans(ctx.flow);
  const n = `(?<v>${NUM})`;
  const plan = String.raw`\(\s*(?:plan:|przy\s+planowanych)\s*(?<plan>${DIGITS})\s*\)`;
  type Rule = {
    re: RegExp;
    metric: string;
    planMetric?: string;
    breakdown?: (m: RegExpExecArray) => string | null;
    extra?: [string, string][];
  };
  const degree = (m: RegExpExecArray) => matchBreakdown("specialisation_degree", m.groups?.deg ?? "");
  const role = (m: RegExpExecArray) => matchBreakdown("staff_role", m.groups?.role ?? "");
  const rules: Rule[] = [
    {
      re: new RegExp(String.raw`Beneficjenci\s+ostateczni:\s+${n}\s+pracowników`),
      metric: "programme_staff_participants",
    },
    {
      re: new RegExp(
        String.raw`(?<role>kadra\s+(?:pracowników\s+socjalnych|kierownicza(?:\s+i\s+nadzorująca)?|wyspecjalizowana))\s*[-–]\s*${n}\s+os\p{L}*`,
      ),
      metric: "programme_staff_participants_by_role",
      breakdown: role,
    },
    {
      re: new RegExp(String.raw`zrealizowane\s+szkolenia:\s+${n}\s+${plan}`),
      metric: "trainings",
      planMetric: "trainings_planned",
    },
    {
      re: new RegExp(String.raw`${n}\s+zrealizowane\s+bloki\s+szkoleniowe\s+${plan}`),
      metric: "trainings",
      planMetric: "trainings_planned",
    },
    {
      re: new RegExp(
        String.raw`dyplomy\s+specjalizacji\s+(?<deg>I{1,2})\s+stopnia:?\s+${n}\s+w\s+tym\s+(?<dist>${DIGITS})\s+wyróżnień\s+${plan}`,
      ),
      metric: "specialisation_diplomas",
      planMetric: "specialisation_diplomas_planned",
      breakdown: degree,
      extra: [["dist", "specialisation_diplomas_with_distinction"]],
    },
    {
      re: new RegExp(String.raw`przeszkolonych\s+pracowników:\s+${n}\s+${plan}`),
      metric: "staff_trained",
      planMetric: "staff_trained_planned",
    },
    {
      re: new RegExp(String.raw`powstało\s+${n}\s+projektów\s+socjalnych`),
      metric: "social_projects_developed",
    },
    {
      re: new RegExp(String.raw`${n}\s+uczestników\s+szkoleń\s+${plan}`),
      metric: "training_participants",
      planMetric: "training_participants_planned",
    },
    {
      re: new RegExp(String.raw`${n}\s+absolwentów\s+studiów\s+podyplomowych\s+${plan}`),
      metric: "postgraduate_graduates",
      planMetric: "postgraduate_graduates_planned",
    },
    {
      re: new RegExp(String.raw`Szkolenia\s+(?<kind>zawodowe|komputerowe)\s*[-–]\s*${n}`),
      metric: "trainings",
      breakdown: (m) => matchBreakdown("training_type", m.groups?.kind ?? ""),
    },
    {
      re: new RegExp(String.raw`Kurs\s+j\.\s+\p{L}+\s*[-–]\s*${n}\s+poziom\p{L}*`),
      metric: "language_course_levels",
    },
    {
      re: new RegExp(String.raw`Studia\s+podyplomowe\s*[-–]\s*${n}\s+na\s+(?<uni>${DIGITS})\s+uczelni\p{L}*`),
      metric: "postgraduate_graduates",
      extra: [["uni", "postgraduate_universities"]],
    },
  ];
  for (const rule of rules) {
    for (const m of ctx.flow.matchAll(rule.re)) {
      const place = ctx.flow.locate(m.index);
      const project = projectAt(ctx, projects, place.line);
      // A project's result is stated for its whole duration: a span, never one of its years.
      const period = project ? spanPeriod(project.from, project.to) : String(ctx.year);
      const vocabulary = metricCatalogue().get(rule.metric)?.breakdown_vocabulary;
      const breakdown = rule.breakdown
        ? rule.breakdown(m)
        : vocabulary === "programme"
          ? (project?.breakdown ?? null)
          : null;
      const note = project
        ? `Wynik projektu „${project.name}” (${project.from}–${project.to}) za cały okres projektu.`
        : `Wynik projektu bez podanych lat; przyjęto rok prezentacji ${ctx.year}.`;
      const flags: Flag[] = project ? [] : ["period_assumed"];
      const common = { period, flags, note, label: m[0] };
      const breakdownFor = (metric: string) =>
        metricCatalogue().get(metric)?.breakdown_vocabulary === "programme"
          ? (project?.breakdown ?? null)
          : breakdown;
      emit(ctx, m, "v", { ...common, metric: rule.metric, breakdown });
      if (rule.planMetric)
        emit(ctx, m, "plan", {
          ...common,
          metric: rule.planMetric,
          breakdown: breakdownFor(rule.planMetric),
        });
      for (const [group, metric] of rule.extra ?? []) {
        emit(ctx, m, group, { ...common, metric, breakdown: breakdownFor(metric) });
      }
    }
  }
}

/** The large-family programme: "Liczba Rodzin Plus 3757, w tym: liczba rodziców/opiekunów prawnych 7089 …". */
function readLargeFamilies(ctx: Context) {
  const rules: [RegExp, string][] = [
    [new RegExp(String.raw`Liczba\s+Rodzin\s+Plus\s+(?<v>${DIGITS})`), "large_family_programme_families"],
    [
      new RegExp(String.raw`liczba\s+rodziców\s*\/\s*opiekunów\s+prawnych\s+(?<v>${DIGITS})`),
      "large_family_programme_parents",
    ],
    [
      new RegExp(String.raw`liczba\s+dzieci\s+w\s+rodzinach\s+(?<v>${DIGITS})`),
      "large_family_programme_children",
    ],
  ];
  for (const [re, metric] of rules) {
    for (const m of ctx.flow.matchAll(re)) emit(ctx, m, "v", { metric, ...undated(ctx) });
  }
}

/** Initials of a project's name: "Wrocław Miastem Aktywnych" → "WMA". */
const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .toUpperCase();

/** The "Wrocław Miastem Aktywnych" project slide: yearly averages, PAL participants per year, value. */
function readActivationProject(ctx: Context) {
  const head = /Projekt\s+„?(?<name>Wrocław\s+Miastem\s+Aktywnych)/;
  for (const h of ctx.flow.matchAll(head)) {
    const from = h.index;
    const to = Math.min(ctx.flow.text.length, from + 900);
    const project = matchBreakdown("programme", initials(h.groups?.name ?? ""));
    const pal = matchBreakdown("programme", "PAL");
    const editions = /Edycje:\s*((?:\d{4}\s*,?\s*)+)/.exec(ctx.flow.text.slice(from, to))?.[1];
    const years = (editions?.match(/\d{4}/g) ?? []).map(Number);
    const first = years.length ? Math.min(...years) : null;
    const last = years.length ? Math.max(...years) : null;
    // An average over the editions is a figure of their whole span, not of the last edition's year.
    const average =
      first !== null && last !== null
        ? {
            period: spanPeriod(first, last),
            note: `Średnio rocznie w edycjach ${first}–${last}: średnia za cały okres, nie wartość jednego roku.`,
          }
        : assumedYear(ctx, "średnio rocznie (edycje projektu bez lat)");
    for (const m of ctx.flow.matchAll(
      new RegExp(String.raw`Grupa\s+docelowa:\s+średnio\s+rocznie\s+(?<v>${DIGITS})\s+klientów`),
      from,
      to,
    )) {
      emit(ctx, m, "v", { metric: "programme_target_group_annual_average", breakdown: project, ...average });
    }
    for (const m of ctx.flow.matchAll(
      new RegExp(String.raw`średnio\s+w\s+PAL\s*[-–]\s*(?<v>${DIGITS})`),
      from,
      to,
    )) {
      emit(ctx, m, "v", {
        metric: "programme_target_group_annual_average",
        breakdown: pal,
        ...average,
        label: `Grupa docelowa: w tym ${m[0]}`,
      });
    }
    for (const m of ctx.flow.matchAll(
      new RegExp(String.raw`(?:a\s+w|W\s+roku)\s+(?<year>(?:19|20)\d{2})\s*[-–]\s*(?<v>${DIGITS})\s+osób`),
      from,
      to,
    )) {
      // Still inside "Grupa docelowa:": a target group of that year, not its participants.
      emit(ctx, m, "v", {
        metric: "programme_target_group",
        breakdown: pal,
        period: m.groups?.year ?? "",
        label: `Grupa docelowa w PAL: ${m[0]}`,
      });
    }
    for (const m of ctx.flow.matchAll(
      /Wartość\s+projektu:\s+średnio\s+rocznie\s+(?<v>\d+(?:,\d+)?)\s*(?<mult>mln|tys\.)?\s*zł/,
      from,
      to,
    )) {
      const text = m.groups?.v ?? "";
      const at = m.indices?.groups?.v;
      if (!at) continue;
      const place = ctx.flow.locate(at[0]);
      const scale = m.groups?.mult === "mln" ? 1_000_000 : m.groups?.mult ? 1_000 : 1;
      const value = Math.round(Number(text.replace(",", ".")) * scale * 100) / 100;
      ctx.out.push(
        observation({
          metric: "programme_value_annual_average",
          breakdown: project,
          ...average,
          value,
          line: place.line,
          quote: sentenceAround(place.text, place.col, place.col + text.length),
          label: m[0],
        }),
      );
    }
  }
}

/** "Zaangażowanie pracowników MOPS w realizację kontraktów socjalnych: w 2012 ogółem 165 / 152 pracowników …". */
function readStaffEngagement(ctx: Context, unread: string[]) {
  const head =
    /Zaangażowanie\s+pracowników\s+\p{L}+\s+w\s+realizację\s+(?<what>kontraktów\s+socjalnych|Programów\s+Aktywności\s+Lokalnej)/u;
  for (const h of ctx.flow.matchAll(head)) {
    const metric = /kontrakt/i.test(h.groups?.what ?? "")
      ? "staff_in_social_contracts"
      : "staff_in_local_activity_programmes";
    const headEnd = ctx.flow.locate(h.index + h[0].length - 1).line;
    let year: string | null = null;
    let skipped = 0;
    for (const [n, raw] of ctx.doc.nonBlankLines(headEnd + 1)) {
      const line = raw.trim();
      const total = /^w\s+((?:19|20)\d{2})\s+ogółem\s+(\d+)$/iu.exec(line);
      if (total) {
        year = total[1] ?? null;
        ctx.out.push(
          observation({
            metric,
            period: year ?? "",
            value: Number(total[2]),
            line: n,
            quote: line,
            label: `${clean(h[0])}: ${line}`,
          }),
        );
        continue;
      }
      const part = /^(\d+)\s+(\p{L}.*)$/u.exec(line);
      // The rest of a wrapped heading ("- NOWE ROLE") may stand before the first year.
      if (year === null && !part && skipped++ < 2) continue;
      if (!part || year === null) break;
      const breakdown = matchBreakdown("staff_role", part[2] ?? "");
      if (!breakdown) {
        unread.push(`${n}: ${line}`);
        continue;
      }
      ctx.out.push(
        observation({
          metric,
          breakdown,
          period: year,
          value: Number(part[1]),
          line: n,
          quote: line,
          label: `${clean(h[0])}: ${part[2] ?? line}`,
        }),
      );
    }
  }
}

/** "Rozwój Programów Aktywności Lokalnej w 2013 12 PROGRAMÓW AKTYWNOŚCI LOKALNEJ". */
function readLocalActivityProgrammes(ctx: Context) {
  const re = new RegExp(
    String.raw`Programów\s+Aktywności\s+Lokalnej\s+w\s+(?<year>(?:19|20)\d{2})\s+(?<v>${NUM})\s+PROGRAM\p{L}*\s+AKTYWNOŚCI\s+LOKALNEJ`,
  );
  for (const m of ctx.flow.matchAll(re)) {
    emit(ctx, m, "v", { metric: "local_activity_programmes", period: m.groups?.year ?? "" });
  }
}

/** "Organizatorzy Społeczności Lokalnej XII 2012 … Wyłoniono grupę 20 pracowników ds. OSL". */
function readCommunityOrganisers(ctx: Context) {
  const re = new RegExp(String.raw`Wyłoniono\s+grupę\s+(?<v>${NUM})\s+pracowników\s+ds\.\s+OSL`);
  for (const m of ctx.flow.matchAll(re)) {
    const headings = ctx.flow.matchAll(
      /Organizatorzy\s+Społeczności\s+Lokalnej\s+(?:[IVX]+\s+)?(?<year>(?:19|20)\d{2})/,
      0,
      m.index,
    );
    const heading = headings[headings.length - 1];
    emit(ctx, m, "v", {
      metric: "staff_community_organisers",
      ...(heading
        ? {
            period: heading.groups?.year ?? "",
            flags: ["period_assumed"] as Flag[],
            note: `Rok z nagłówka slajdu („${clean(heading[0])}”), nie przy liczbie.`,
          }
        : assumedYear(ctx)),
    });
  }
}

/** Youth and disability projects: "Projekt „…” … Realizacja: I 2012- XII 2014 … Grupa docelowa: 24 osoby …". */
function readTargetGroups(ctx: Context) {
  const heads = ctx.flow.matchAll(/Projekt\s+„(?<name>[^”„]{1,150})”/);
  heads.forEach((h, i) => {
    const from = h.index;
    const to = Math.min(heads[i + 1]?.index ?? ctx.flow.text.length, from + 1500);
    const block = ctx.flow.text.slice(from, to);
    const realisation =
      /Realizacja:\s*(?<span>(?:(?<fromMonth>[IVX]+)\s+)?(?<from>\d{4})\s*[-–]\s*(?:(?<toMonth>[IVX]+)\s+)?(?<to>\d{4}))/.exec(
        block,
      );
    const target = /Grupa\s+docelowa:/.exec(block);
    if (!target) return;
    const name = clean(h.groups?.name ?? "");
    const breakdown = matchBreakdown("programme", name);
    // A target group is planned for the project's whole duration: a span, and a target metric of its own.
    const g = realisation?.groups;
    const period = g
      ? spanPeriod(
          Number(g.from),
          Number(g.to),
          g.fromMonth ? romanMonth(g.fromMonth) : null,
          g.toMonth ? romanMonth(g.toMonth) : null,
        )
      : String(ctx.year);
    const common = {
      breakdown,
      period,
      flags: (g ? [] : ["period_assumed"]) as Flag[],
      note: g
        ? `Grupa docelowa (plan) projektu „${name}” na cały okres realizacji (${clean(g.span ?? "")}); to cel, nie wykonanie.`
        : `Grupa docelowa (plan) projektu „${name}” bez podanych lat; przyjęto rok prezentacji ${ctx.year}.`,
    };
    const at = from + target.index;
    const persons = String.raw`\s*os(?:ób|oby|\.)`;
    const rules: [RegExp, string][] = [
      [
        new RegExp(String.raw`Grupa\s+docelowa:\s+(?:Odbiorcy:\s+)?(?<v>${DIGITS})${persons}`),
        "programme_target_group",
      ],
      [
        new RegExp(String.raw`(?<v>${DIGITS})(?:${persons})?\s+z\s+(?:RZ|rodzin\s+zastępczych)\b`),
        "programme_target_group_from_foster_care",
      ],
      [
        new RegExp(String.raw`(?<v>${DIGITS})${persons}\s+niepełnosprawnych`),
        "programme_target_group_with_disability",
      ],
      [
        new RegExp(String.raw`(?<v>${DIGITS})${persons}\s+z\s+otoczenia`),
        "programme_target_group_carers_of_disabled",
      ],
      [
        new RegExp(String.raw`(?<v>${DIGITS})(?:${persons})?,?\s+które\s+będą\s+przeszkolone`),
        "programme_trainers_to_train",
      ],
      [
        new RegExp(
          String.raw`(?:pracownicy\s+MOPS\s*[-–]\s*(?<v>${DIGITS})${persons}|(?<w>${DIGITS})(?:${persons})?\s+to\s+pracownicy\s+MOPS)`,
        ),
        "programme_target_group_staff",
      ],
    ];
    for (const [re, metric] of rules) {
      const m = ctx.flow.matchAll(re, at, to)[0];
      if (!m) continue;
      const group = m.groups?.v !== undefined ? "v" : "w";
      emit(ctx, m, group, { metric, ...common, label: `${name}: ${m[0]}` });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Contradictions: a half-year above its own year, for counts that cannot shrink
// ---------------------------------------------------------------------------------------------------------

function flagHalfYearAboveYear(out: ExtractedObservation[]) {
  const key = (o: ExtractedObservation, period: string) => `${o.metric_id}|${o.breakdown ?? ""}|${period}`;
  const byKey = new Map<string, ExtractedObservation[]>();
  for (const o of out) byKey.set(key(o, o.period_id), [...(byKey.get(key(o, o.period_id)) ?? []), o]);
  for (const half of out) {
    const m = /^(\d{4})-H[12]$/.exec(half.period_id);
    if (!m || half.value === null) continue;
    const aggregation = metricCatalogue().get(half.metric_id)?.aggregation;
    if (aggregation !== "distinct_count" && aggregation !== "flow") continue;
    for (const year of byKey.get(key(half, m[1] ?? "")) ?? []) {
      if (year.value === null || half.value <= year.value) continue;
      const what =
        aggregation === "distinct_count"
          ? "dla liczby różnych rodzin/osób w okresie to niemożliwe"
          : "suma za rok nie może być mniejsza niż za jego część";
      const note =
        `${periodPl(half.period_id)} (${pl(half.value)}) przekracza cały rok ${m[1]} (${pl(year.value)}) – ` +
        `${what}; wartości zachowano tak, jak podaje dokument.`;
      for (const o of [half, year]) {
        if (!o.flags.includes("contradiction")) o.flags.push("contradiction");
        if (!o.note?.includes(note)) o.note = o.note ? `${o.note} ${note}` : note;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The extractor
// ---------------------------------------------------------------------------------------------------------

export interface DeckReading {
  header: DeckHeader;
  tables: PeriodTable[];
  observations: ExtractedObservation[];
  /** Rows and lines that looked like figures but matched no known label (for tests and people). */
  unread: string[];
}

function isThisKind(doc: SourceText): boolean {
  return (
    /Dobre\s+Praktyki/i.test(doc.text) &&
    /DANE\s+ILOŚCIOWE/.test(doc.text) &&
    findPeriodTables(doc).length > 0
  );
}

/** The parts of the deck, each a section reader of its own (a document may carry any of them). */
type DeckPart = "tables" | "staffing" | "assistants" | "prose";
const ALL_PARTS: readonly DeckPart[] = ["tables", "staffing", "assistants", "prose"];

/**
 * Read the given parts of a deck (or of any document carrying them). `fallbackYear` is the document's
 * year when the deck's title range ("2000 - 2013") is not there; figures that need a year and find none
 * (staff lines, prose without a year) are not read at all rather than dated by guess.
 */
function readParts(
  doc: SourceText,
  centreId: string,
  parts: readonly DeckPart[],
  fallbackYear: number | null,
): DeckReading {
  const header = readHeader(doc);
  const tables = findPeriodTables(doc);
  const latest = Math.max(...tables.flatMap((t) => t.columns.map((c) => Number(c.slice(0, 4)))));
  const year = header.year ?? fallbackYear ?? (Number.isFinite(latest) ? latest : null);
  const ctx: Context = {
    doc,
    flow: new Flow(doc),
    year: year ?? 0,
    yearSource:
      header.year !== null
        ? `tytuł: „${header.title.split(/\s+/).slice(-3).join(" ")}”`
        : fallbackYear !== null
          ? "rok dokumentu z jego nagłówka"
          : "najpóźniejszy okres w tabelach",
    out: [],
  };
  const unread: string[] = [];
  const dated = year !== null;
  if (parts.includes("staffing") && dated) readStaffAndResidents(ctx);
  if (parts.includes("tables")) {
    let previous: { table: PeriodTable; end: TableEnd } | null = null;
    for (const table of tables) {
      const repeatsHeader = previous !== null && previous.table.columns.join() === table.columns.join();
      const end = readTable(doc, table, ctx.out, unread, repeatsHeader ? previous?.end : undefined);
      previous = { table, end };
    }
  }
  if (parts.includes("assistants")) readFamilyAssistants(ctx);
  if (parts.includes("prose") && dated) {
    readCareLeavers(ctx);
    readStaffFacts(ctx);
    readSupervision(ctx);
    readTrainingProjects(ctx);
    readLargeFamilies(ctx);
    readActivationProject(ctx);
    readStaffEngagement(ctx, unread);
    readLocalActivityProgrammes(ctx);
    readCommunityOrganisers(ctx);
    readTargetGroups(ctx);
  }
  const observations = oneFigurePerPlace(ctx.out).map((o) => ({ ...o, centre_id: centreId }));
  flagHalfYearAboveYear(observations);
  observations.sort((a, b) => a.line - b.line);
  return { header: { ...header, year: year ?? 0 }, tables, observations, unread };
}

/** Read every figure of the deck. Pure: the same text gives the same figures. */
export function readDeck(doc: SourceText, centreId = ""): DeckReading {
  return readParts(doc, centreId, ALL_PARTS, null);
}

const part = (id: string, what: DeckPart, section_pl: string): SectionReader => ({
  id: `wroclaw/${id}`,
  section_pl,
  read: (doc, context) => readParts(doc, context.centre.centre_id, [what], context.year).observations,
});

/** The deck's sections as readers: each runs wherever its section stands, in any document. */
export const deckReaders: readonly SectionReader[] = [
  part(
    "period-tables",
    "tables",
    "tabele z kolumnami okresów (rodziny korzystające z pomocy i powody przyznania pomocy; Niebieska Karta, NK-A, grupy robocze)",
  ),
  part(
    "staffing-lines",
    "staffing",
    "wiersze kadrowe („Liczba pracowników socjalnych terenowych”, „Liczba mieszkańców”)",
  ),
  part("family-assistants", "assistants", "asystenci rodziny („WMA edycja 2011 80 rodzin/20 asystentów”)"),
  part(
    "deck-prose",
    "prose",
    "liczby w tekście (wychowankowie pieczy, projekty szkoleniowe, grupy docelowe, programy aktywności lokalnej)",
  ),
];

/** The reporting periods: the tables' columns, the family-assistant editions and the deck's own year. */
function reportingPeriods(reading: DeckReading): string[] {
  const periods = new Set<string>(reading.tables.flatMap((t) => t.columns));
  for (const o of reading.observations) {
    if (o.metric_id === "families_with_family_assistant" || o.metric_id === "family_assistants")
      periods.add(o.period_id);
  }
  if (reading.header.year !== null) periods.add(String(reading.header.year));
  return [...periods].sort();
}

export const dobrePraktyki: Extractor = {
  id: `wroclaw/${KIND}`,
  kind: KIND,
  recognise(doc: SourceText, centre: CentreRecord): Recognition | null {
    if (!isThisKind(doc)) return null;
    const reading = readDeck(doc, centre.centre_id);
    return {
      centre_id: centre.centre_id,
      kind: KIND,
      title: reading.header.title,
      periods: reportingPeriods(reading),
      issued_on: null,
    };
  },
  readers: deckReaders,
};
