import type { Extractor } from "../lib/extractor.ts";
import { sprawozdanieGpwr } from "./sprawozdanie-gpwr.ts";

/** The extractors for this centre's kinds of report. */
export const extractors: Extractor[] = [sprawozdanieGpwr];
