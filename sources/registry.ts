import { z } from "zod";
import { extractors as jaworzno } from "./jaworzno/index.ts";
import { extractors as katowice } from "./katowice/index.ts";
import { extractors as kedzierzynKozle } from "./kedzierzyn-kozle/index.ts";
import { type CentreRecord, foreignCentreName, namesKnownCity, recogniseCentre } from "./lib/centres.ts";
import { SourceText } from "./lib/document.ts";
import {
  DocumentRejected,
  type Extractor,
  type ReadingContext,
  RowsSkipped,
  type SectionReader,
} from "./lib/extractor.ts";
import { grainViolations, oneFigurePerDocument } from "./lib/grain.ts";
import { ExtractedObservation, type Recognition } from "./lib/observation.ts";
import { documentHalfYear, documentYear, periodKind, UNDATED } from "./lib/periods.ts";
import { normaliseSpaces } from "./lib/read-document.ts";
import { extractors as wroclaw } from "./wroclaw/index.ts";

/** Every extractor the project has; a new kind of report adds itself in its centre's index.ts. */
export const EXTRACTORS: readonly Extractor[] = [...wroclaw, ...katowice, ...jaworzno, ...kedzierzynKozle];

/** Every reader of every section the project knows, whichever kind of report taught it. */
export const READERS: readonly SectionReader[] = EXTRACTORS.flatMap((e) => e.readers);

/** The kind of a document whose title no extractor knows: read by its sections, flagged in marts.data_quality. */
export const UNKNOWN_KIND = "inny";
const BY_SECTIONS = { id: "sections/inny", kind: UNKNOWN_KIND } as const;

export interface RecognisedDocument {
  /** The kind of report that declared the document, or `sections/inny` when its title is unknown. */
  extractor: { readonly id: string; readonly kind: string };
  recognition: Recognition;
  source: SourceText;
  centre: CentreRecord;
  /** The document's year for figures written without one (ReadingContext.year). */
  year: number | null;
  /** The document's period for figures written without one: the year, or its half-year (ReadingContext.period). */
  period: string | null;
}

/** The years of a recognition's periods, for the readers' context: the latest one. */
function yearOfPeriods(periods: readonly string[]): number | null {
  const years = periods.filter((p) => /^\d{4}(-H[12])?$/.test(p)).map((p) => Number(p.slice(0, 4)));
  return years.length ? Math.max(...years) : null;
}

/** The first lines of a document as its title, when no kind of report knows it. */
function openingTitle(source: SourceText): string {
  const lines = [...source.nonBlankLines()].slice(0, 3).map(([, t]) => t.trim());
  const title = lines.join(" ").replace(/\s+/g, " ");
  return title.length > 200 ? `${title.slice(0, 199)}…` : title || "(bez tytułu)";
}

/**
 * Recognise a document from its content: first its centre (from the name forms of models/seeds/centres.csv,
 * never from code), then the kind of report its title declares — or `inny` when no kind knows the title: it
 * is then read by its sections all the same. A document of no known centre, or one two kinds both claim, is
 * rejected with a reason in Polish (the English one follows, for the log).
 */
export function recogniseDocument(given: string, fileName: string): RecognisedDocument {
  // A no-break or thin space between thousands ("1\u00a0256") is a space, whether the text came through
  // lib/read-document.ts (which does the same) or was passed straight in: never "256" after a lost "1".
  const text = normaliseSpaces(given);
  const source = new SourceText(text);
  const found = recogniseCentre(text);
  const foreign = found ? null : foreignCentreName(text);
  if (foreign !== null && namesKnownCity(text)) {
    throw new DocumentRejected(
      fileName,
      `Nie rozpoznano ośrodka: dokument jest ośrodka „${foreign}”, którego nie ma w models/seeds/centres.csv ` +
        "(znane miasto pada w nim tylko przy innej instytucji). Sprawdź, czy to sprawozdanie MOPS; " +
        "nowy ośrodek dodaj wierszem w centres.csv — " +
        `a report of a centre the seed does not know (${foreign}); a known city is named only in passing`,
    );
  }
  if (!found) {
    throw new DocumentRejected(
      fileName,
      "Nie rozpoznano ośrodka: w tekście nie ma nazwy żadnego ośrodka z models/seeds/centres.csv. " +
        "Sprawdź, czy to sprawozdanie MOPS; nowy ośrodek dodaj wierszem w centres.csv — " +
        "not a report of a known centre (no centre of centres.csv is named in it)",
    );
  }
  const { centre } = found;
  const claims = EXTRACTORS.flatMap((extractor) => {
    const recognition = extractor.recognise(source, centre);
    return recognition ? [{ extractor, recognition: { ...recognition, centre_id: centre.centre_id } }] : [];
  });
  const [only, ...others] = claims;
  if (only && others.length > 0) {
    throw new DocumentRejected(
      fileName,
      `Dokument pasuje do kilku rodzajów sprawozdań naraz (${claims.map((c) => c.extractor.kind).join(", ")}), ` +
        "więc nie wiadomo, jak go czytać: zgłoś go zespołowi — " +
        `claimed by several extractors (${claims.map((c) => c.extractor.id).join(", ")})`,
    );
  }
  if (only) {
    const year = yearOfPeriods(only.recognition.periods) ?? documentYear(source.lines);
    return { ...only, source, centre, year, period: year === null ? null : String(year) };
  }
  // A document for a half-year ("w I półroczu 2028 r.") reports that half-year, not the year: its figures
  // written without a period of their own belong to the half-year.
  const half = documentHalfYear(source.lines);
  const written = documentYear(source.lines);
  const year = written ?? (half === null ? null : Number(half.slice(0, 4)));
  const period =
    half !== null && Number(half.slice(0, 4)) === year ? half : year === null ? null : String(year);
  return {
    extractor: BY_SECTIONS,
    recognition: {
      centre_id: centre.centre_id,
      kind: UNKNOWN_KIND,
      title: openingTitle(source),
      periods: [period ?? UNDATED],
      issued_on: null,
    },
    source,
    centre,
    year,
    period,
  };
}

/** A reader that threw on a document: its figures are lost, the other readers' are kept (a warning). */
export interface ReaderFailure {
  /** The reader's id, e.g. "katowice/komisja-cpsmis". */
  reader: string;
  /** The section it reads, in Polish. */
  section_pl: string;
  /** Why it failed, as it said (English, for the log). */
  reason: string;
  /** It skipped only rows it does not know: its other figures were taken (lib/extractor.ts RowsSkipped). */
  skipped?: true;
}

/** What reading a document's sections gave: the figures, which readers read them, which failed. */
export interface SectionReading {
  observations: ExtractedObservation[];
  /** Reader id → figures it read (readers that read nothing are left out). */
  readBy: Record<string, number>;
  /** Readers that threw: the document is still taken when another reader read a figure. */
  failures: ReaderFailure[];
}

/** A reader's failure for a person, in Polish, with the reader's own (English) reason after it. */
export function readerFailureMessage(f: ReaderFailure): string {
  if (f.skipped) {
    return (
      `czytnik sekcji „${f.section_pl}” (${f.reader}) pominął wiersze, których nie zna: ich liczb nie odczytano ` +
      `ani nie zgadywano, pozostałe liczby tej sekcji przyjęto; sprawdź te wiersze i zgłoś je zespołowi — ${f.reason}`
    );
  }
  return (
    `czytnik sekcji „${f.section_pl}” (${f.reader}) nie odczytał tego dokumentu, więc liczby tej sekcji ` +
    `pominięto (pozostałe przyjęto); zgłoś to zespołowi — ${f.reason}`
  );
}

/**
 * Run every section reader on the document. The declared kind's readers go first (they were written for
 * it); a figure another reader already claimed — the same value at the same line — is not claimed again,
 * so two readers never both give one figure. A reader that throws (a row it does not know, a bug) loses
 * only its own figures: its failure is recorded and the other readers' figures are kept.
 */
export function readSections(doc: RecognisedDocument): SectionReading {
  const declared = EXTRACTORS.find((e) => e.id === doc.extractor.id)?.readers ?? [];
  const order = [...declared, ...READERS.filter((r) => !declared.includes(r))];
  const context: ReadingContext = { centre: doc.centre, year: doc.year, period: doc.period };
  /** A place in the document (line and value) → the reader that gave a figure there. */
  const claimedBy = new Map<string, string>();
  const observations: ExtractedObservation[] = [];
  const readBy: Record<string, number> = {};
  const failures: ReaderFailure[] = [];
  for (const reader of order) {
    let figures: ExtractedObservation[];
    try {
      figures = reader.read(doc.source, context);
    } catch (e) {
      if (e instanceof RowsSkipped) {
        // Rows it does not know were skipped: a warning, and the figures it did read are kept.
        failures.push({
          reader: reader.id,
          section_pl: reader.section_pl,
          reason: oneLine(e.reason),
          skipped: true,
        });
        figures = e.figures;
      } else {
        const reason = e instanceof DocumentRejected ? e.reason : e instanceof Error ? e.message : String(e);
        failures.push({ reader: reader.id, section_pl: reader.section_pl, reason: oneLine(reason) });
        continue;
      }
    }
    let count = 0;
    for (const o of figures) {
      // An unread value claims its metric's place only: two unread figures of one line are not one figure.
      const claim = `${o.line}|${o.value ?? `-|${o.metric_id}|${o.breakdown ?? ""}|${o.period_id}`}`;
      const owner = claimedBy.get(claim);
      if (owner !== undefined && owner !== reader.id) continue;
      claimedBy.set(claim, reader.id);
      // The centre is the registry's, never a reader's.
      observations.push({ ...o, centre_id: doc.centre.centre_id });
      count++;
    }
    if (count > 0) readBy[reader.id] = count;
  }
  // In document order (stable within a line), whichever reader read them.
  observations.sort((a, b) => a.line - b.line);
  return { observations, readBy, failures };
}

/**
 * The figures an extractor read, checked before a document is taken: each against the contract (zod),
 * and all of them against the grain (one observation_id per figure, see lib/grain.ts). A document that
 * breaks either is rejected with one line naming the reason, so it never enters the store, where it
 * would block every later build. Returns the parsed figures.
 */
export function validateExtraction(
  extractorId: string,
  fileName: string,
  raw: unknown,
): ExtractedObservation[] {
  const parsed = z.array(ExtractedObservation).safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = issues[0];
    const [index, ...field] = first?.path ?? [];
    const figure = typeof index === "number" && Array.isArray(raw) ? raw[index] : undefined;
    const where =
      typeof index === "number"
        ? ` in figure ${index + 1}${figure?.line !== undefined ? ` (line ${figure.line}, ${figure.metric_id})` : ""}` +
          (field.length ? `, field ${field.join(".")}` : "")
        : "";
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new DocumentRejected(
      fileName,
      "Odczytane liczby nie przeszły kontroli (błąd czytnika, nie dokumentu): dokumentu nie przyjęto; zgłoś go zespołowi — " +
        `extractor ${extractorId} produced invalid figures: ${oneLine(first?.message ?? "invalid")}${where}${more}`,
    );
  }
  const [clash, ...others] = grainViolations(parsed.data);
  const o = clash?.[0];
  if (clash && o) {
    const what = [o.metric_id, o.breakdown, o.period_id, o.as_of_date].filter((x) => x !== null).join(", ");
    const more = others.length > 0 ? ` (and ${others.length} more)` : "";
    throw new DocumentRejected(
      fileName,
      "Ta sama liczba dokumentu została odczytana dwa razy z różnymi wartościami (błąd czytnika): dokumentu nie przyjęto; zgłoś go zespołowi — " +
        `extractor ${extractorId} read ${clash.length} figures with one observation_id ` +
        `(line ${o.line}: ${what}; values ${clash.map((c) => c.value ?? "null").join(", ")})${more}; ` +
        "the document would break the warehouse grain",
    );
  }
  return parsed.data;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Names of the sections looked for, for a person: the message of a document nothing was read from. */
export const SECTIONS_PL = () => READERS.map((r) => `„${r.section_pl}”`).join("; ");

/**
 * Recognise a document and read every section it has; every observation is validated against the contract
 * and the grain. A document is accepted when at least one reader reads a figure; its kind is the one its
 * title declares, or `inny` (a warning in marts.data_quality). It is rejected only when nothing is read.
 * `failures` are the readers that threw: their figures are missing, the others' are kept (a warning of
 * ingest and a row of marts.data_quality through raw.reader_failures).
 */
export function extractDocument(text: string, fileName: string) {
  const doc = recogniseDocument(text, fileName);
  const reading = readSections(doc);
  const single = oneFigurePerDocument(reading.observations);
  const observations = validateExtraction(doc.extractor.id, fileName, single);
  const failures = reading.failures;
  if (observations.length === 0) {
    const failed = failures.length
      ? ` Czytniki, które nie zadziałały: ${failures.map((f) => `„${f.section_pl}” (${f.reason})`).join("; ")}.`
      : "";
    throw new DocumentRejected(
      fileName,
      `Brak liczb: rozpoznano ośrodek ${doc.centre.name_pl} (TERYT ${doc.centre.teryt}), ale nie odczytano z dokumentu ` +
        `żadnej liczby: nie znaleziono żadnej znanej sekcji (szukano: ${SECTIONS_PL()}).${failed} Sprawdź, czy to ` +
        "sprawozdanie z liczbami; nowy układ tabel wymaga nowego czytnika — " +
        `a ${doc.centre.centre_id} document in a layout no extractor knows (no section reader read a figure; kind: ${doc.recognition.kind}` +
        `${failures.length ? `; failed readers: ${failures.map((f) => f.reader).join(", ")}` : ""})`,
    );
  }
  const read = { observations, readBy: reading.readBy, failures };
  if (doc.extractor.kind !== UNKNOWN_KIND) return { ...doc, ...read };
  // A document of an unknown kind reports the periods its figures are of.
  const periods = [
    ...new Set(
      observations
        .map((o) => o.period_id)
        .filter((p) => periodKind(p) === "year" || periodKind(p) === "half_year"),
    ),
  ].sort();
  const recognition = { ...doc.recognition, periods: periods.length ? periods : doc.recognition.periods };
  return { ...doc, recognition, ...read };
}
