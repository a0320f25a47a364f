import type { Extractor } from "../lib/extractor.ts";
import { aktywizacjaUchodzcow } from "./aktywizacja-uchodzcow.ts";
import { komisjaCpsmis } from "./komisja-cpsmis.ts";

/** The extractors for this centre's kinds of report. */
export const extractors: Extractor[] = [komisjaCpsmis, aktywizacjaUchodzcow];
