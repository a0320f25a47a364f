import type { Extractor } from "../lib/extractor.ts";
import { asystenciRodziny } from "./asystenci-rodziny.ts";

/** The extractors for this centre's kinds of report. */
export const extractors: Extractor[] = [asystenciRodziny];
