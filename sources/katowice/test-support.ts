import { readFileSync } from "node:fs";
import { extractDocument } from "../registry.ts";

/** Shared by the Katowice tests: read a document, extract it through the registry (checks: ../lib/testing.ts). */

export const documentPath = (name: string) => new URL(`./documents/${name}`, import.meta.url);
export const fixturePath = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
export const read = (url: URL) => readFileSync(url, "utf8");

/** Through the registry, under a name that says nothing: recognition is by content only. */
export function extract(text: string) {
  return extractDocument(text, "raport.txt");
}

export { expectProvenance, figures, numbersOnLinesWithoutFigures, writtenForms } from "../lib/testing.ts";
