/**
 * The checks every round of next-period variants runs (sources/variants.test.ts, variants-round3/4/5.test.ts):
 * a document under a title no reader keys on is recognised as its centre's, of kind `inny`; every figure of
 * its text is read with its value, metric, period and breakdown, and nothing else, each with its provenance;
 * no total is flagged as a contradiction (a table split over pages is one table); the same figures come
 * from its PDF, with a page break inside the table.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pdfFromText } from "../tests/helpers/pdf.ts";
import { readDocumentText } from "./lib/read-document.ts";
import { expectProvenance } from "./lib/testing.ts";
import { extractDocument } from "./registry.ts";

export type Figure = [period: string, metric: string, breakdown: string | null, value: number | null];

export interface Variant {
  /** The fixture, relative to sources/. */
  file: string;
  centre: string;
  /**
   * The kind the document declares, when a known kind's title is its own (a "Sprawozdanie z realizacji
   * Gminnego Programu Wspierania Rodziny" of any centre); `inny` (unknown title) when not given.
   */
  kind?: string;
  about: string;
  /** Lines per PDF page: chosen so that a page break falls inside a table (or between the passages). */
  pdfLinesPerPage: number;
  expected: Figure[];
}

const key = (f: Figure) => JSON.stringify(f);
const sorted = (figures: Figure[]) => [...figures].sort((a, b) => key(a).localeCompare(key(b)));
const figuresOf = (text: string, name: string) =>
  sorted(
    extractDocument(text, name).observations.map(
      (o): Figure => [o.period_id, o.metric_id, o.breakdown, o.value],
    ),
  );

/** One describe block per variant, with the four checks. */
export function describeVariants(title: string, variants: readonly Variant[]): void {
  describe(title, () => {
    for (const v of variants) {
      describe(v.about, () => {
        const text = readFileSync(new URL(`./${v.file}`, import.meta.url), "utf8");

        it("is recognised as its centre's document, of the kind it declares or an unknown one", () => {
          const result = extractDocument(text, "dokument.txt");
          expect(result.recognition.centre_id).toBe(v.centre);
          expect(result.recognition.kind).toBe(v.kind ?? "inny");
          expect(result.failures).toEqual([]);
        });

        it("reads every figure of the text with its value, metric, period and breakdown, and nothing else", () => {
          expect(figuresOf(text, "dokument.txt")).toEqual(sorted(v.expected));
          expectProvenance(text, extractDocument(text, "dokument.txt").observations);
        });

        it("flags no total as a contradiction (a table split over pages is one table)", () => {
          const flagged = extractDocument(text, "dokument.txt").observations.filter((o) =>
            o.flags.includes("contradiction"),
          );
          expect(flagged).toEqual([]);
        });

        it("reads the same figures from the PDF, a page break inside the table", async () => {
          const pdf = await pdfFromText(text, v.pdfLinesPerPage);
          const fromPdf = await readDocumentText(pdf, "dokument.pdf");
          expect(figuresOf(fromPdf, "dokument.pdf")).toEqual(sorted(v.expected));
        });
      });
    }
  });
}

/** The message a document (a fixture, relative to sources/) is rejected with, from its text and its PDF. */
export async function rejectionMessages(file: string, linesPerPage: number): Promise<string[]> {
  const text = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
  const fromPdf = await readDocumentText(await pdfFromText(text, linesPerPage), "dokument.pdf");
  return [text, fromPdf].map((t) => {
    try {
      extractDocument(t, "dokument.txt");
    } catch (e) {
      return (e as Error).message;
    }
    return "(not rejected)";
  });
}
