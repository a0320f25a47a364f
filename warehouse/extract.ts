import { createHash } from "node:crypto";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import { dataPaths } from "../lib/config.ts";
import { faultPoint, repeatFigureFault } from "../lib/faults.ts";
import { ExtractedObservation, Recognition } from "../sources/lib/observation.ts";
import { readerFailureMessage } from "../sources/registry.ts";
import { atomicWrite, BUNDLED_DIR, inspectDocument, type KnownDocument } from "./store.ts";

export const ExtractionResult = z.object({
  documentId: z.string(),
  extractorId: z.string(),
  codeVersion: z.string(),
  recognition: Recognition,
  observations: z.array(ExtractedObservation),
  /** Section readers that threw on the document (its other readers' figures were taken): raw.reader_failures. */
  readerFailures: z.array(z.object({ reader: z.string(), message_pl: z.string() })).optional(),
});
export type ExtractionResult = z.infer<typeof ExtractionResult>;

let codeVersion: string | undefined;

/**
 * A fingerprint of the extraction code and catalogue: a cached extraction is used only when it was
 * made by the same code, so a fixed extractor never leaves old figures behind.
 */
export async function extractionCodeVersion(): Promise<string> {
  if (codeVersion) return codeVersion;
  const hash = createHash("sha256");
  const walk = async (dir: string) => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        // gus-bdl is the reference-data connector, not a centre: it extracts nothing from documents.
        if (e.name !== "documents" && e.name !== "fixtures" && e.name !== "gus-bdl") await walk(p);
      } else if (/\.(ts|csv)$/.test(e.name) && !e.name.endsWith(".test.ts")) {
        hash.update(relative(BUNDLED_DIR, p)).update(await readFile(p));
      }
    }
  };
  await walk(BUNDLED_DIR);
  await walk(join(BUNDLED_DIR, "..", "models", "seeds"));
  codeVersion = hash.digest("hex").slice(0, 12);
  return codeVersion;
}

/** Extract a known document, from the cache when the same code extracted it before. Idempotent. */
export async function extractKnownDocument(doc: KnownDocument): Promise<ExtractionResult> {
  const version = await extractionCodeVersion();
  const dir = dataPaths().extracted;
  const cacheFile = join(dir, `${doc.documentId}.${version}.json`);
  const cached = await readFile(cacheFile, "utf8").catch(() => null);
  if (cached !== null) {
    const parsed = ExtractionResult.safeParse(JSON.parse(cached));
    if (parsed.success) return parsed.data;
  }
  const inspected = await inspectDocument(doc.path, doc.fileName);
  const result: ExtractionResult = {
    documentId: inspected.documentId,
    extractorId: inspected.extractor.id,
    codeVersion: version,
    recognition: inspected.recognition,
    observations: repeatFigureFault(doc.fileName, inspected.observations),
    readerFailures: inspected.failures.map((f) => ({
      reader: f.reader,
      message_pl: readerFailureMessage(f),
    })),
  };
  faultPoint("extract:before-cache");
  await mkdir(dir, { recursive: true });
  await atomicWrite(cacheFile, JSON.stringify(result));
  return result;
}
