import type { SourceText } from "./document.ts";
import type { CentreId, ExtractedObservation, Recognition } from "./observation.ts";

/**
 * One extractor per kind of report. Both functions are pure: text in, data out.
 * `recognise` looks at the content only (never the file name) and returns null when the document
 * is not of this kind; `extract` reads every figure with its line and quote.
 */
export interface Extractor {
  /** `<centre_id>/<kind>`, e.g. "wroclaw/dobre-praktyki". */
  readonly id: string;
  readonly centreId: CentreId;
  readonly kind: string;
  recognise(doc: SourceText): Recognition | null;
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
