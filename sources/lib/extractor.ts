import type { CentreRecord } from "./centres.ts";
import type { SourceText } from "./document.ts";
import type { ExtractedObservation, Recognition } from "./observation.ts";

/** What a reader knows about the document it reads, besides its text. */
export interface ReadingContext {
  /** The centre the registry recognised (models/seeds/centres.csv). */
  readonly centre: CentreRecord;
  /**
   * The year the document reports on, when it says so: from its declared kind when one recognises it,
   * else from its opening lines ("za rok 2023", "w roku 2025", "2000 - 2013"; lib/periods.ts documentYear).
   * For figures written without a year; a reader that finds its own year in its section uses that.
   */
  readonly year: number | null;
  /**
   * The period figures written without one belong to: the year, or the half-year when the document is for a
   * half-year ("Informacja … w I półroczu 2028 r." → "2028-H1", whose `year` is 2028). Null with no year.
   */
  readonly period: string | null;
}

/**
 * A reader of one section or table a centre publishes (the families-and-reasons table with period columns,
 * the Niebieska Karta table, staffing lines, family-assistant passages, numbered report tables, prose
 * figures, …). It runs on every document whose centre is recognised, whatever its title, kind or section
 * order, and returns no figure when its section is not there. Pure: text in, figures out.
 */
export interface SectionReader {
  /** `<folder>/<section>`, e.g. "wroclaw/period-tables": the folder of the centre whose reports taught it. */
  readonly id: string;
  /** The section it looks for, in Polish, for the message of a document nothing was read from. */
  readonly section_pl: string;
  read(doc: SourceText, context: ReadingContext): ExtractedObservation[];
}

/**
 * A kind of report a centre publishes, known by its title: `recognise` looks at the content only (never the
 * file name, never the city) and declares the document's kind, title, reporting periods and date, or null.
 * Its readers are not tied to it: the registry runs every reader on every document of a known centre.
 */
export interface Extractor {
  /** `<folder>/<kind>`, e.g. "wroclaw/dobre-praktyki". */
  readonly id: string;
  readonly kind: string;
  recognise(doc: SourceText, centre: CentreRecord): Recognition | null;
  /** The readers of the sections this kind of report was first seen with (they run on any document). */
  readonly readers: readonly SectionReader[];
}

/** Raised for a document that cannot be taken; the message names the reason for a person. */
export class DocumentRejected extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`${fileName}: ${reason}`);
    this.name = "DocumentRejected";
  }
}

/**
 * Raised by a reader that read what it knows and skipped rows it does not know (a new row in a known table,
 * a new line in a known block): it carries the figures it read, which are kept, and names the skipped rows,
 * which become a warning (raw.reader_failures, marts.data_quality). Nothing is guessed for a skipped row and
 * the document is not rejected for it.
 */
export class RowsSkipped extends DocumentRejected {
  constructor(
    fileName: string,
    reason: string,
    readonly figures: ExtractedObservation[],
  ) {
    super(fileName, reason);
    this.name = "RowsSkipped";
  }
}
