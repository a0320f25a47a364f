import type { Extractor } from "../lib/extractor.ts";

/** The extractors for this centre's kinds of report. */
export const extractors: Extractor[] = [];
