import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DocumentRejected } from "../../sources/lib/extractor.ts";
import { readDocumentText } from "../../sources/lib/read-document.ts";
import { extractDocument } from "../../sources/registry.ts";
import { ROOT } from "../helpers/cli.ts";
import { pdfBomb, pdfFromText, rawPdf } from "../helpers/pdf.ts";

const reports = ["wroclaw", "katowice", "jaworzno", "kedzierzyn-kozle"].flatMap((centre) =>
  readdirSync(join(ROOT, "sources", centre, "documents")).map((name) =>
    join(ROOT, "sources", centre, "documents", name),
  ),
);

const figures = (text: string, name: string) =>
  extractDocument(text, name)
    .observations.map((o) => `${o.period_id} ${o.metric_id} ${o.breakdown ?? ""} = ${o.value}`)
    .sort();

describe("a report as a PDF with a text layer gives the same figures as its text", () => {
  for (const path of reports) {
    it(path.split("/").pop() ?? path, async () => {
      const text = readFileSync(path, "utf8");
      const pdf = await pdfFromText(text);
      const fromPdf = await readDocumentText(pdf, "raport.pdf");
      expect(figures(fromPdf, "raport.pdf")).toEqual(figures(text, "raport.txt"));
    });
  }
});

/**
 * Issue 10: a 205 KB PDF inflating to 200 MB of text per page took the service to 9.6 GB. A PDF is
 * read in a bounded process of its own (sources/lib/pdf-text.ts); each limit is reached here by a PDF
 * made for it, and the rejection names the file and the limit. No timing is asserted: the limits hold
 * whatever the machine's speed.
 */
describe("a PDF is read within bounds, or rejected naming the file and the bound", () => {
  const rejected = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail("the PDF was read"),
      (e: Error) => {
        expect(e).toBeInstanceOf(DocumentRejected);
        return e.message;
      },
    );

  it("a decompression bomb (0.7 MB inflating to 200 MB of text) is refused before pdf.js reads it", async () => {
    const bomb = pdfBomb(200);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await rejected(readDocumentText(bomb, "bomba.pdf"))).toMatch(
      /^bomba\.pdf: PDF po rozpakowaniu byłby .* — its compressed streams inflate to more than 128 MB, far more than any report \(a decompression bomb\); it was not read$/,
    );
  });

  it("more text than any report: reading stops at the limit", async () => {
    expect(
      await rejected(readDocumentText(pdfBomb(16), "dlugi.pdf", { pdfLimits: { maxTextChars: 1_000_000 } })),
    ).toMatch(
      /^dlugi\.pdf: PDF zawiera więcej tekstu .* — the PDF holds more text than any report \(more than 1000000 characters by page 1;/,
    );
  });

  it("a reader taking more memory than allowed is stopped (one 60 MB string in a page)", async () => {
    const pdf = rawPdf({
      pages: 1,
      content: `BT /F1 10 Tf 40 700 Td (${"A".repeat(60 * 1024 * 1024)}) Tj ET`,
    });
    const limits = { maxInflatedBytes: 1024 * 1024 * 1024, maxMemoryMb: 256 };
    expect(await rejected(readDocumentText(pdf, "ciag.pdf", { pdfLimits: limits }))).toMatch(
      /^ciag\.pdf: Czytanie PDF zajęło zbyt dużo pamięci.* — reading the PDF took more than 256 MB of memory \(\d+ MB when it was stopped\)/,
    );
  });

  it("a reader taking longer than allowed is stopped", async () => {
    const limits = { maxInflatedBytes: 1024 * 1024 * 1024, maxTextChars: 1e12, timeoutMs: 1000 };
    expect(await rejected(readDocumentText(pdfBomb(100), "wolny.pdf", { pdfLimits: limits }))).toMatch(
      /^wolny\.pdf: Czytanie PDF trwało zbyt długo.* — reading the PDF took longer than 1 s and was stopped/,
    );
  });

  it("more pages than any report: refused before a page is read", async () => {
    const pdf = rawPdf({ pages: 1001, content: "BT /F1 10 Tf 40 700 Td (Strona sprawozdania) Tj ET" });
    expect(await rejected(readDocumentText(pdf, "strony.pdf"))).toBe(
      "strony.pdf: PDF ma więcej stron niż jakiekolwiek sprawozdanie (1001) i nie był czytany: podaj samo sprawozdanie — the PDF has 1001 pages, more than any report (limit 1000); it was not read",
    );
  });

  it("a PDF within the bounds is read as before", async () => {
    const pdf = rawPdf({
      pages: 3,
      content: "BT /F1 10 Tf 40 700 Td (Liczba rodzin objetych pomoca: 1 234) Tj ET",
    });
    expect(await readDocumentText(pdf, "raport.pdf")).toBe(
      Array.from({ length: 3 }, () => "Liczba rodzin objetych pomoca: 1 234").join("\n"),
    );
  });
});
