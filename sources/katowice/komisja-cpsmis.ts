import { unitOf } from "../lib/catalogue.ts";
import type { CentreRecord } from "../lib/centres.ts";
import { findDateInWords } from "../lib/dates.ts";
import { normaliseLabel, type SourceText, sentenceAround } from "../lib/document.ts";
import { type Extractor, type ReadingContext, RowsSkipped } from "../lib/extractor.ts";
import { oneFigurePerPlace } from "../lib/grain.ts";
import {
  CHANGE_COLUMN,
  furnitureOf,
  isNoteLine,
  MISSING_TOKEN,
  missingTokenNote,
  stripFootnoteMarks,
  withoutTrailingChange,
} from "../lib/layout.ts";
import {
  findNumbersInProse,
  IN_THOUSANDS,
  splitDigitGroups,
  splitLabelledRow,
  thousandsNote,
} from "../lib/numbers.ts";
import type { ExtractedObservation, Flag, Recognition } from "../lib/observation.ts";
import { breakdownOf, FlatText, oneLine, periodPhrases, yearPhrases } from "./common.ts";

/**
 * Katowice: information on the Centrum Poradnictwa Specjalistycznego, Metodyki i Strategii (CPSMiS)
 * for the council's Komisja Polityki Społecznej. Prose on the centre and its programmes, then the
 * statistics of the year ("źródło: sprawozdanie MOPS Katowice za 2024 r.") in blocks headed
 * "Obszar …" or "Realizacja programu „…”": one-value rows whose label wraps and whose value can stand
 * on its own line, and a two-column table (trainings and their participants) with a "Suma:" row.
 */

const KIND = "komisja-cpsmis";

/** Where a statistics row stands: the heading of its block. */
interface Block {
  heading: string;
  /** Programme name for "Realizacja programu „…”" blocks. */
  programme: string | null;
}

interface Row {
  label: string;
  /** Lines of the label (first is where a missing value points). */
  labelLines: number[];
  /** The line the numbers stand on, null when the value is missing. */
  valueLine: number | null;
  numbers: string;
  /** Column headers; one entry with "" for a single-value row. */
  columns: string[];
  block: Block;
  /** Table rows share a table id (for the sum check). */
  table: number | null;
  /** Why the value is missing, when it is. */
  missing: string | null;
  /** The year of each value when the block's header gives year columns ("2028 r. 2029 r."); else null. */
  years: string[] | null;
  /** The row or its value carries a footnote mark ("20*"). */
  marked: boolean;
}

const LABEL_START = /^(Liczba|Łączn\p{L}*|Ogółem|Razem|Suma)(?!\p{L})/iu;
const TOTAL = /^(suma|razem|ogolem)\b/;
const BARE_VALUE = /^(\d{1,3}(?: \d{3})+|\d+)$/;

/** A trailing "2024" after "w"/"za" is the year of a label, not its value (the value is on the next line). */
function endsInYear(label: string, numbers: string): boolean {
  return /^(19|20)\d{2}$/.test(numbers) && /(?<!\p{L})(w|za|roku|rok|od|do)$/iu.test(label);
}

/** "psychologiczno-" + "pedagogicznego" → "psychologiczno-pedagogicznego"; otherwise a space. */
function joinLabel(parts: string[]): string {
  return parts.reduce((acc, p) => (acc === "" ? p : acc.endsWith("-") ? acc + p : `${acc} ${p}`), "");
}

/**
 * The line that opens the statistics: the source of the figures ("sprawozdanie MOPS Katowice za 2024 r.",
 * "… za I półrocze 2028 r."), or else the first "Obszar", or else — in an annex or answer that gives no source
 * and no "Obszar" — the line before the first row that names its own period ("Liczba superwizji … w 2027 r.
 * 179"), which is that row's block heading when it has one.
 */
function statisticsStart(doc: SourceText): number | null {
  const source =
    doc.findLine(/sprawozdani\p{L}*\s.*\bza\s+(?:(?:I|II)\s+półrocz\p{L}*\s+)?\d{4}/iu) ??
    doc.findLine(/^\s*Obszar\b/u);
  if (source !== null) return source;
  const firstRow = [...doc.nonBlankLines()].find(
    ([, t]) => LABEL_START.test(t.trim()) && periodPhrases(t).length > 0,
  )?.[0];
  if (firstRow === undefined) return null;
  const before = [...doc.nonBlankLines(1, firstRow - 1)].at(-1)?.[0];
  return before ?? firstRow;
}

function sourceYear(doc: SourceText): number | null {
  const n = statisticsStart(doc);
  const y = n === null ? [] : yearPhrases(doc.line(n));
  return y[0]?.year ?? null;
}

/** The period of the report's source line: its year, or its half-year. */
function sourcePeriod(doc: SourceText): string | null {
  const n = statisticsStart(doc);
  const p = n === null ? [] : periodPhrases(doc.line(n));
  return p[0]?.period ?? null;
}

/** A heading's number, however the document numbers it: "3.", "3.2.", "III.", "a)", "Rozdział 4.", "Część II –". */
const NUMBERING =
  /^\s*(?:(?:\d{1,2}\.)+\d{0,2}\.?|\d{1,2}\)|[IVX]{1,5}\.|[a-z]\)|(?:Rozdział|Część|Punkt)\s+(?:\d+|[IVX]+)\.?\s*[–:-]?)\s+/u;
const withoutNumbering = (t: string) => t.replace(NUMBERING, "");

/**
 * A block's heading under another name than "Obszar …" ("Psychoterapia – dane za rok", "Asysta rodzinna",
 * "Superwizja pracowników w 2029 r.:"): a short line of words alone, no number but a year, no row label,
 * not a sentence.
 */
function isBlockHeading(line: string): boolean {
  const t = line.replace(/:$/, "").trim();
  const bare = t.replace(/(?<!\d)(?:19|20)\d{2}(?!\d)\s*(?:r\.|roku|rok)?/gu, "").trim();
  return (
    t.length <= 60 &&
    /^\p{Lu}/u.test(t) &&
    !/\d/.test(bare) &&
    !/[.,;:]$/.test(bare) &&
    !LABEL_START.test(t) &&
    !/(?<!\p{L})Liczba\s/u.test(t) &&
    !isNoteLine(t) &&
    t.split(/\s+/).length <= 8
  );
}

/** A header of year columns over a block's rows ("2028 r. 2029 r.", "2028 2029 Zmiana %"): the years, else null. */
function yearColumns(t: string): string[] | null {
  const tokens = normaliseLabel(t)
    .replace(/\(?%\)?/g, " % ")
    .split(/\s+/)
    .filter(Boolean);
  const years = tokens.filter((k) => /^(19|20)\d{2}$/.test(k));
  const other = tokens.filter((k) => !/^(19|20)\d{2}$/.test(k) && !/^(r\.|rok|roku|%)$/.test(k));
  if (years.length < 2 || new Set(years).size !== years.length) return null;
  if (other.some((k) => !CHANGE_COLUMN.test(k) && k !== "w" && k !== "za")) return null;
  return years;
}

/** Values of a row under year columns: a change at its end is taken off ("19 20 +5,3%" → "19 20"). */
const withoutChange = (numbers: string, t: string) =>
  /%|\s[+−–-]\s?\d/.test(t) ? withoutTrailingChange(numbers) : numbers;

function readRows(doc: SourceText): Row[] {
  const start = statisticsStart(doc);
  if (start === null) return [];
  const rows: Row[] = [];
  let block: Block = { heading: "", programme: null };
  let table: { id: number; columns: string[] } | null = null;
  let tables = 0;
  // The last table and the line of its last row: its header repeated after a page break goes on with it.
  let last: { id: number; columns: string[]; line: number } | null = null;
  let pending: { parts: string[]; lines: number[]; marked: boolean } | null = null;
  // Year columns over the rows of the current block ("2028 r. 2029 r."), null when it has none.
  let years: string[] | null = null;
  const furniture = furnitureOf(doc);

  const finish = (valueLine: number | null, numbers: string, missing: string | null, marked = false) => {
    if (!pending) return;
    rows.push({
      label: joinLabel(pending.parts),
      labelLines: pending.lines,
      valueLine,
      numbers,
      columns: [""],
      block,
      table: null,
      missing,
      years,
      marked: pending.marked || marked,
    });
    pending = null;
  };

  for (const [n, raw] of doc.nonBlankLines(start)) {
    // A page's number or a running header or footer between the rows is no row and ends nothing.
    if (furniture(raw)) continue;
    const mark = stripFootnoteMarks(raw.trim());
    const t = mark.text;
    if (pending) {
      if (BARE_VALUE.test(t) || (years && /^\d+(?: \d+)*(?:\s+[+−–-]?\d+(?:,\d+)?\s?%)?$/.test(t))) {
        finish(n, years ? withoutChange(t, t) : t, null, mark.marked);
        continue;
      }
      // A dash or "b.d." where the value stands: the document says it has no value.
      if (MISSING_TOKEN.test(t)) {
        finish(n, "", missingTokenNote(t), mark.marked);
        continue;
      }
      if (/^\p{Ll}/u.test(t)) {
        const r = splitLabelledRow(t);
        if (r.numbers && r.label && !endsInYear(r.label, r.numbers)) {
          pending.parts.push(r.label);
          pending.lines.push(n);
          finish(n, r.numbers, null);
        } else {
          pending.parts.push(t);
          pending.lines.push(n);
        }
        continue;
      }
      finish(null, "", "no value follows the label (the next row begins)");
    }
    // A note under the rows ("* dane szacunkowe", "Źródło: …") is no row.
    if (isNoteLine(t)) continue;
    const columnYears = yearColumns(t);
    if (columnYears) {
      years = columnYears;
      continue;
    }
    if (table) {
      const r = splitLabelledRow(t);
      if (r.numbers && r.label && !/^(Liczba|Łączn)/iu.test(r.label)) {
        rows.push({
          label: r.label,
          labelLines: [n],
          valueLine: n,
          numbers: r.numbers,
          columns: table.columns,
          block,
          table: table.id,
          missing: null,
          years: null,
          marked: mark.marked,
        });
        last = { id: table.id, columns: table.columns, line: n };
        continue;
      }
      table = null;
    }
    const heading = withoutNumbering(t);
    // A programme's heading first: "Realizacja programu „Trening Umiejętności Rodzicielskich”" alone on its
    // line is also a short heading, but its rows are the programme's.
    const programme = /^Realizacja\s+program\p{L}*\s*[„"”]([^"”„]+)["”]/iu.exec(heading);
    if (programme?.[1]) {
      block = { heading, programme: programme[1].trim() };
      years = null;
      continue;
    }
    if (/^Obszar\b/u.test(heading) || isBlockHeading(heading)) {
      block = { heading, programme: null };
      years = null;
      continue;
    }
    const liczba = t.match(/(?<!\p{L})Liczba\s/gu)?.length ?? 0;
    if (liczba >= 2 && splitLabelledRow(t).numbers === "") {
      const columns = t
        .split(/(?=(?<!\p{L})Liczba\s)/u)
        .map((c) => c.trim())
        .filter(Boolean);
      // The same header after nothing but a page's footer or number: the table goes on over the page break
      // (its "Suma:" row sums the rows of both pages).
      const prior: { id: number; columns: string[]; line: number } | null = last;
      const repeated: boolean =
        prior !== null &&
        columns.join("|") === prior.columns.join("|") &&
        Array.from({ length: n - prior.line - 1 }, (_, k) => doc.line(prior.line + 1 + k).trim()).every(
          (l) => l === "" || furniture(l),
        );
      table = repeated && prior ? { id: prior.id, columns } : { id: ++tables, columns };
      continue;
    }
    if (LABEL_START.test(t)) {
      // "Liczba sesji terapeutycznych w 2029 r. –": the row is there, its value is not.
      const dash = /\s([–—-]|b\.\s?d\.?)$/iu.exec(t);
      if (dash?.[1]) {
        pending = { parts: [t.slice(0, dash.index).trim()], lines: [n], marked: mark.marked };
        finish(n, "", missingTokenNote(dash[1]));
        continue;
      }
      const r = splitLabelledRow(years ? withoutChange(t, t) : t);
      pending = {
        parts: [r.numbers && !endsInYear(r.label, r.numbers) ? r.label : t],
        lines: [n],
        marked: mark.marked,
      };
      if (r.numbers && r.label && !endsInYear(r.label, r.numbers)) finish(n, r.numbers, null);
    }
    // Anything else in the statistics is the description of a block: no figures there.
  }
  finish(null, "", "the document ends before the value of this row (truncated)");
  return rows;
}

interface Target {
  metric: string;
  breakdown: string | null;
  note: string | null;
  flags: Flag[];
}

const target = (metric: string, breakdown: string | null = null, note: string | null = null): Target => ({
  metric,
  breakdown,
  note,
  flags: [],
});

/** The metric of a one-value row, from its label and the heading of its block. */
function rowTarget(label: string, block: Block): Target | null {
  const l = normaliseLabel(label);
  const area = normaliseLabel(block.heading);
  const persons = /^liczba (osob|klientow|pacjentow|uczestnikow)\b/;
  if (/superwizj/.test(l)) {
    const type = breakdownOf("supervision_type", label);
    const metric = /^liczba godzin/.test(l)
      ? "supervision_hours"
      : /^liczba (pracownikow|osob|uczestnikow)\b/.test(l)
        ? "supervision_participants"
        : /^liczba superwizji/.test(l)
          ? "supervisions"
          : null;
    return metric ? target(metric, type.id, type.note) : null;
  }
  if (block.programme !== null) {
    const p = breakdownOf("programme", block.programme);
    if (/godzin/.test(l)) return target("programme_hours", p.id, p.note);
    if (/spotkan|zajec/.test(l)) return target("programme_meetings", p.id, p.note);
    if (persons.test(l)) return target("programme_participants", p.id, p.note);
    return null;
  }
  if (/psychologiczno-? ?pedagogiczn/.test(area)) {
    if (/godzin/.test(l)) return target("psychological_pedagogical_support_hours");
    if (/spotkan/.test(l)) return target("psychological_pedagogical_support_meetings");
    if (persons.test(l)) return target("psychological_pedagogical_support_persons");
    return null;
  }
  if (/psychoterap|terapi/.test(area)) {
    if (/godzin/.test(l)) return target("psychotherapy_hours");
    if (/sesj/.test(l)) return target("psychotherapy_sessions");
    if (persons.test(l)) return target("psychotherapy_persons");
    return null;
  }
  if (/asyst/.test(area) || /asystent/.test(l)) {
    if (/^liczba asystent/.test(l)) return target("family_assistants");
    if (/^liczba dzieci/.test(l)) return target("children_in_families_with_family_assistant");
    if (/^liczba rodzin/.test(l)) {
      return {
        metric: "families_with_family_assistant",
        breakdown: null,
        flags: ["whole_year_count"],
        note:
          "Rodziny liczone w ciągu całego roku (wszystkie, które korzystały z usługi), nie jednocześnie; " +
          "ustawowy limit 15 rodzin na asystenta (art. 15 ust. 4 ustawy o wspieraniu rodziny) dotyczy pracy w tym samym czasie.",
      };
    }
  }
  return null;
}

/** The metric of a column of a table ("Liczba szkoleń", "Liczba uczestników") for a row. */
function columnTarget(column: string, columns: string[], rowLabel: string): Target | null {
  const c = normaliseLabel(column);
  const training =
    columns.some((h) => /szkolen/.test(normaliseLabel(h))) || /szkolen/.test(normaliseLabel(rowLabel));
  if (!training) return null;
  const total = TOTAL.test(normaliseLabel(rowLabel));
  // "Szkolenia płatne w 2024 r." → the kind of training, without the year and the word "szkolenia".
  const kindOf = rowLabel
    .replace(/(?<!\p{L})(w|za)\s+(I|II)\s+półrocz\p{L}*\s+\d{4}\s*(r\.|r\b|roku)?/giu, "")
    .replace(/(?<!\p{L})(w|za)\s+\d{4}\s*(r\.|r\b|roku)?/giu, "")
    .replace(/^Szkoleni\p{L}*\s+/iu, "");
  const type = total ? { id: null, note: null } : breakdownOf("training_type", kindOf.trim() || rowLabel);
  if (/szkolen/.test(c)) return target("trainings", type.id, type.note);
  if (/uczestnik|osob|pracownik/.test(c)) return target("training_participants", type.id, type.note);
  return null;
}

/**
 * The year of a row: written in its label ("w 2024 r."); for a total row of a table ("Suma:") the one
 * year of the rows it sums; else the year of the report, flagged as assumed.
 */
function periodOf(row: Row, rows: Row[], fallback: string): { period: string; assumed: boolean } {
  const own = periodPhrases(row.label)[0];
  if (own) return { period: own.period, assumed: false };
  if (row.table !== null) {
    const periods = new Set(
      rows.filter((r) => r.table === row.table).flatMap((r) => periodPhrases(r.label).map((y) => y.period)),
    );
    const [only] = periods;
    if (periods.size === 1 && only !== undefined) return { period: only, assumed: false };
  }
  return { period: fallback, assumed: true };
}

/** The metric of each column of a row, null where no metric knows it. */
function targetsOf(row: Row): (Target | null)[] {
  return row.columns.map((c) =>
    row.columns.length === 1 && c === ""
      ? rowTarget(row.label, row.block)
      : columnTarget(c, row.columns, row.label),
  );
}

/**
 * A block the statistics of this report own: an "Obszar …" or "Realizacja programu …" block, or one under
 * another heading with at least one row a metric knows. A block under another heading none of whose rows
 * is known ("Dodatki mieszkaniowe – dane Wydziału Świadczeń") is another unit's figures, not read; a row
 * no metric knows in a block this report owns is one to learn: skipped and named (a warning), never guessed.
 */
function ownedBlocks(rows: Row[]): Set<Block> {
  const owned = new Set<Block>();
  for (const row of rows) {
    const b = row.block;
    if (b.heading === "" || b.programme !== null || /^Obszar\b/u.test(b.heading)) owned.add(b);
    else if (targetsOf(row).every((t) => t !== null)) owned.add(b);
  }
  return owned;
}

/** The note of a missing value: the document's own dash says "not zero" already. */
const missingNote = (why: string) => (/zero\.?$/.test(why) ? why : `${why}; missing, not zero`);

const FOOTNOTE_NOTE = "wartość oznaczona w dokumencie przypisem (gwiazdką), np. „dane szacunkowe”";

function rowObservations(
  doc: SourceText,
  rows: Row[],
  year: string,
): { out: ExtractedObservation[]; skipped: string[] } {
  const out: ExtractedObservation[] = [];
  const skipped: string[] = [];
  const owned = ownedBlocks(rows);
  for (const row of rows) {
    if (!owned.has(row.block)) continue;
    const line = row.valueLine ?? row.labelLines[0] ?? 1;
    const quote = doc.line(line).trim();
    // Rows under year columns set their period per column below.
    let { period, assumed } = periodOf(row, rows, year);
    const base = (
      t: Target,
      column: string,
      read: number | null,
      flags: Flag[],
      notes: (string | null)[],
    ) => {
      // A value "w tys." is thousands: not taken as a count (lib/numbers IN_THOUSANDS).
      const inThousands = read !== null && (IN_THOUSANDS.test(row.label) || IN_THOUSANDS.test(column));
      const value = inThousands ? null : read;
      if (inThousands) {
        flags = [...flags, "missing"];
        notes = [...notes, thousandsNote(IN_THOUSANDS.test(column) ? column : row.label)];
      }
      const allFlags: Flag[] = [...t.flags, ...flags];
      // A half-year's families are counted over the half-year, not the whole year.
      const note =
        /-H[12]$/.test(period) && t.note ? t.note.replace("całego roku", "całego półrocza") : t.note;
      const allNotes = [note, ...notes, row.marked ? FOOTNOTE_NOTE : null];
      if (assumed) {
        allFlags.push("period_assumed");
        allNotes.push(`no year in the label; the year of the report (${year}) is taken`);
      }
      out.push({
        centre_id: "katowice",
        period_id: period,
        as_of_date: null,
        metric_id: t.metric,
        breakdown: t.breakdown,
        value,
        unit: unitOf(t.metric),
        line,
        quote,
        label: column === "" ? row.label : `${row.label.replace(/:\s*$/, "")} – ${column}`,
        flags: allFlags,
        note: allNotes.filter((n): n is string => n !== null).join("; ") || null,
      });
    };
    const targets = targetsOf(row);
    const unknown = targets.indexOf(null);
    if (unknown !== -1) {
      skipped.push(
        `row „${row.label}”${row.columns.length > 1 ? ` (column „${row.columns[unknown]}”)` : ""} on line ${line} ` +
          "has no metric in the catalogue",
      );
      continue;
    }
    // Year columns over the block ("2028 r. 2029 r."): one figure per year, the period the column's.
    const [only] = targets;
    if (row.years && only && row.columns.length === 1) {
      const years = row.years;
      const missing = row.missing;
      const split = missing === null ? splitDigitGroups(row.numbers, years.length) : null;
      years.forEach((y, i) => {
        period = y;
        assumed = false;
        if (split === null) base(only, "", null, ["missing"], [missingNote(missing ?? "")]);
        else if (split.kind === "ok") base(only, "", split.values[i] ?? null, [], []);
        else
          base(
            only,
            "",
            null,
            ["ambiguous"],
            [`„${row.numbers}” cannot be read as one number for each of ${years.join(", ")}`],
          );
      });
      continue;
    }
    const missing = row.missing;
    if (missing !== null) {
      targets.forEach((t, i) => {
        if (t) base(t, row.columns[i] ?? "", null, ["missing"], [missingNote(missing)]);
      });
      continue;
    }
    const split = splitDigitGroups(row.numbers, row.columns.length);
    targets.forEach((t, i) => {
      if (!t) return;
      const column = row.columns[i] ?? "";
      if (split.kind === "ok") base(t, column, split.values[i] ?? null, [], []);
      else if (split.kind === "ambiguous") {
        base(
          t,
          column,
          null,
          ["ambiguous"],
          [
            `„${row.numbers}” fits ${split.readings.length} readings in ${row.columns.length} columns: ` +
              split.readings.map((r) => r.join(" | ")).join(" or "),
          ],
        );
      } else {
        base(
          t,
          column,
          null,
          ["ambiguous"],
          [`„${row.numbers}” cannot be read as ${row.columns.length} number(s)`],
        );
      }
    });
  }
  return { out, skipped };
}

/** A "Suma:" row must equal the sum of the rows above it; where it does not, it is kept and flagged. */
function checkTotals(rows: Row[], obs: ExtractedObservation[]): void {
  const tables = new Set(rows.flatMap((r) => (r.table === null ? [] : [r.table])));
  for (const id of tables) {
    const lines = new Set(rows.filter((r) => r.table === id).map((r) => r.valueLine));
    const inTable = obs.filter((o) => lines.has(o.line));
    const metrics = new Set(inTable.map((o) => o.metric_id));
    for (const metric of metrics) {
      const ofMetric = inTable.filter((o) => o.metric_id === metric);
      const totals = ofMetric.filter((o) => o.breakdown === null);
      const parts = ofMetric.filter((o) => o.breakdown !== null);
      for (const total of totals) {
        const same = parts.filter((p) => p.period_id === total.period_id);
        if (total.value === null || same.length === 0 || same.some((p) => p.value === null)) continue;
        const sum = same.reduce((s, p) => s + (p.value ?? 0), 0);
        if (sum !== total.value) {
          total.flags.push("contradiction");
          total.note = [
            total.note,
            `the total (${total.value}) is not the sum of the rows above it (${same.map((p) => p.value).join(" + ")} = ${sum}); kept as written`,
          ]
            .filter(Boolean)
            .join("; ");
        }
      }
    }
  }
}

/** Figures in the description of the programmes ("obejmowały cykl 12 spotkań"). */
function programmeProse(doc: SourceText, year: number): ExtractedObservation[] {
  const from = doc.findLine(/Wybrane\s+programy/iu);
  const to = statisticsStart(doc);
  if (from === null || to === null || to <= from) return [];
  const headingYear = yearPhrases(doc.line(from))[0]?.year ?? year;
  const flat = new FlatText(doc, from, to - 1);
  const programmes = [...flat.text.matchAll(/(?:^|\n)\s*\d+\.\s*Program\p{L}*\s*[„"”]([^"”„]+)["”]/gu)].map(
    (m) => ({ at: m.index, name: (m[1] ?? "").trim() }),
  );
  const out: ExtractedObservation[] = [];
  for (const f of findNumbersInProse(flat.text)) {
    const programme = programmes.filter((p) => p.at <= f.index).at(-1);
    if (!programme) continue;
    const before = flat.text.slice(0, f.index);
    if (/(?:^|\n)\s*$/.test(before) && flat.text.startsWith(".", f.index + f.text.length)) continue; // "1."
    const noun = normaliseLabel(flat.text.slice(f.index + f.text.length, f.index + f.text.length + 30));
    const metric = /^spotkan/.test(noun)
      ? "programme_meetings"
      : /^godzin/.test(noun)
        ? "programme_hours"
        : /^(uczestnik|osob)/.test(noun)
          ? "programme_participants"
          : null;
    if (!metric) continue;
    const { line, column } = flat.at(f.index);
    const lineText = doc.line(line);
    // The sentence, cut before the next numbered programme ("… 12 spotkań.\n2. Program …").
    const whole = sentenceAround(flat.text, f.index, f.index + f.text.length);
    const at = flat.text.indexOf(whole, Math.max(0, f.index - whole.length));
    const next = /\n\s*\d+\.(?:\s|$)/.exec(flat.text.slice(f.index, at + whole.length));
    const sentence = oneLine(next ? flat.text.slice(at, f.index + next.index) : whole);
    const own = yearPhrases(sentence)[0]?.year;
    const p = breakdownOf("programme", programme.name);
    const flags: Flag[] = [];
    const notes: string[] = [];
    if (p.note) notes.push(p.note);
    if (f.isWord) flags.push("number_word");
    if (own === undefined) {
      flags.push("period_assumed");
      notes.push(`the year is that of the heading „${oneLine(doc.line(from))}”`);
    }
    out.push({
      centre_id: "katowice",
      period_id: String(own ?? headingYear),
      as_of_date: null,
      metric_id: metric,
      breakdown: p.id,
      value: f.value,
      unit: unitOf(metric),
      line,
      quote: sentenceAround(lineText, column, column + f.text.length),
      label: `Program „${programme.name}”: ${sentence}`,
      flags,
      note: notes.join("; ") || null,
    });
  }
  return out;
}

export const komisjaCpsmis: Extractor = {
  id: `katowice/${KIND}`,
  kind: KIND,

  recognise(doc: SourceText, centre: CentreRecord): Recognition | null {
    const text = normaliseLabel(doc.text);
    if (!/centrum poradnictwa specjalistycznego,? metodyki i strategii/.test(text)) return null;
    if (!/komisji polityki spolecznej/.test(text)) return null;
    const rows = readRows(doc);
    if (rows.length === 0) return null;
    const year = sourceYear(doc);
    const years = new Set(rows.flatMap((r) => yearPhrases(r.label).map((y) => String(y.year))));
    if (year !== null) years.add(String(year));
    if (years.size === 0) return null;
    // The title: the lines before the committee's name, up to it ("… na posiedzenie Komisji …").
    const head: string[] = [];
    let meeting: number | null = null;
    for (const [n, line] of doc.nonBlankLines(1, 12)) {
      head.push(line.trim());
      if (/Komisji/u.test(line)) {
        meeting = n;
        break;
      }
    }
    const title = oneLine(head.join("\n")).replace(/[,;:]$/, "");
    // The meeting the information is issued for ("które odbędzie się 7 października 2025 roku").
    const after =
      meeting === null ? "" : [...doc.nonBlankLines(meeting, meeting + 4)].map(([, l]) => l).join(" ");
    return {
      centre_id: centre.centre_id,
      kind: KIND,
      title,
      periods: [...years].sort(),
      issued_on: findDateInWords(after),
    };
  },

  readers: [
    {
      id: `katowice/${KIND}`,
      section_pl:
        "statystyka roku w blokach „Obszar …” i „Realizacja programu …” („źródło: sprawozdanie … za 2024 r.”) oraz opisy programów",
      read: (doc, context) => readStatistics(doc, context),
    },
  ],
};

function readStatistics(doc: SourceText, context: ReadingContext): ExtractedObservation[] {
  // The report's period for rows that name none: its source's year or half-year, else the document's.
  const period = sourcePeriod(doc) ?? context.period;
  if (period === null) return [];
  const year = Number(period.slice(0, 4));
  const rows = readRows(doc);
  const { out, skipped } = rowObservations(doc, rows, period);
  const obs = [...programmeProse(doc, year), ...out];
  checkTotals(rows, obs);
  const figures = oneFigurePerPlace(obs);
  if (skipped.length > 0) {
    throw new RowsSkipped(
      `katowice/${KIND}`,
      `${skipped.join("; ")}; the Katowice komisja-cpsmis reader skipped it and needs to learn it`,
      figures,
    );
  }
  return figures;
}
