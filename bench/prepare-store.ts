/**
 * Put the generated national documents where the pipeline keeps documents it has accepted, as if
 * every report had been ingested and extracted once: $OBS_DATA_DIR/documents/<id>.json (metadata)
 * and $OBS_DATA_DIR/extracted/<id>.<code version>.json (the extraction cache). A refresh then reads
 * them through the real code (listDocuments, extractKnownDocument) — a warm-cache full build.
 * The report bytes themselves are not written (a warm cache never reads them).
 *
 * The observation contract names four centres (CENTRE_IDS is a closed enum), so the cached figures
 * carry a known centre's id and the benchmark puts the gmina's id back after reading them
 * (bench/lib/national.ts restoreGminaIds); the metadata has the gmina's id.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/prepare-store.ts --input DIR [--holdout]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataPaths } from "../lib/config.ts";
import { CENTRE_IDS } from "../sources/lib/observation.ts";
import { type ExtractionResult, extractionCodeVersion } from "../warehouse/extract.ts";
import type { KnownDocument } from "../warehouse/store.ts";
import { Phases, reportResult } from "./lib/child.ts";
import { inputPaths, readNationalDocuments } from "./lib/national.ts";

/** Store documents (metadata + extraction cache); returns how many. */
export async function storeNational(documentsCsv: string, observationsCsv: string): Promise<number> {
  const paths = dataPaths();
  await mkdir(paths.documents, { recursive: true });
  await mkdir(paths.extracted, { recursive: true });
  const version = await extractionCodeVersion();
  const placeholder = CENTRE_IDS[0];
  const docs = await readNationalDocuments(documentsCsv, observationsCsv, paths.documents);
  const pending: Promise<void>[] = [];
  for (const { doc, extraction } of docs) {
    const meta: KnownDocument = { ...doc, path: join(paths.documents, `${doc.documentId}.txt`) };
    const cached: ExtractionResult = {
      ...extraction,
      codeVersion: version,
      recognition: { ...extraction.recognition, centre_id: placeholder },
      observations: extraction.observations.map((o) => ({ ...o, centre_id: placeholder })),
    };
    pending.push(
      writeFile(join(paths.documents, `${doc.documentId}.json`), `${JSON.stringify(meta, null, 2)}\n`),
      writeFile(join(paths.extracted, `${doc.documentId}.${version}.json`), JSON.stringify(cached)),
    );
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return docs.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { input: { type: "string" }, holdout: { type: "boolean", default: false } },
  });
  if (!values.input) throw new Error("--input DIR is required");
  const input = inputPaths(values.input);
  const t = new Phases();
  const documents = values.holdout
    ? await storeNational(input.holdoutDocuments, input.holdoutObservations)
    : await storeNational(input.documents, input.observations);
  t.mark("store");
  reportResult({ name: "prepare-store", documents, wall_s: t.total, phases: t.phases });
}
