import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDocumentText } from "../../sources/lib/read-document.ts";
import { extractDocument } from "../../sources/registry.ts";
import { ROOT } from "../helpers/cli.ts";
import { pdfFromText } from "../helpers/pdf.ts";

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
