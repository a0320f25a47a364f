import type { Extractor } from "../lib/extractor.ts";
import { dobrePraktyki } from "./dobre-praktyki.ts";

/** The extractors for this centre's kinds of report. */
export const extractors: Extractor[] = [dobrePraktyki];
