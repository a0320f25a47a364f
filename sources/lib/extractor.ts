import type { CentreRecord } from "./centres.ts";
import type { SourceText } from "./document.ts";
import type { ExtractedObservation, Recognition } from "./observation.ts";

/**
 * One extractor per layout of report. Both functions are pure: text in, data out.
 * The registry first recognises the document's centre from models/seeds/centres.csv; `recognise` then
 * looks at the content only (never the file name, never the city) and returns null when the document is
 * not in this layout; `extract` reads every figure with its line and quote, for the centre recognised.
 */
export interface Extractor {
  /** `<folder>/<kind>`, e.g. "wroclaw/dobre-praktyki": the folder of the centre whose reports taught it. */
  readonly id: string;
  readonly kind: string;
  recognise(doc: SourceText, centre: CentreRecord): Recognition | null;
  extract(doc: SourceText, recognition: Recognition): ExtractedObservation[];
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
