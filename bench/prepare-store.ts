/**
 * Put the generated national documents where the pipeline keeps documents it has accepted, as if
 * every report had been ingested and extracted once: $OBS_DATA_DIR/documents/<id>.json (metadata)
 * and $OBS_DATA_DIR/extracted/<id>.<code version>.json (the extraction cache). A refresh then reads
 * them through the real code (listDocuments, extractKnownDocument) — a warm-cache full build.
 * The report bytes themselves are not written (a warm cache never reads them).
 *
 * The gminas are centres of the data set's centres.csv (useNationalCentres): their figures are cached
 * under their own ids, through the same contract as the project's centres.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/prepare-store.ts --input DIR [--holdout]
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataPaths } from "../lib/config.ts";
import { type ExtractionResult, extractionCodeVersion, extractKnownDocument } from "../warehouse/extract.ts";
import { type KnownDocument, listDocuments } from "../warehouse/store.ts";
import { Phases, reportResult } from "./lib/child.ts";
import { inputPaths, readNationalDocuments, useNationalCentres } from "./lib/national.ts";
import { csvRow, DOCUMENT_COLUMNS, OBSERVATION_COLUMNS } from "./lib/observations-file.ts";

/** Store documents (metadata + extraction cache); returns how many. */
export async function storeNational(documentsCsv: string, observationsCsv: string): Promise<number> {
  const paths = dataPaths();
  await mkdir(paths.documents, { recursive: true });
  await mkdir(paths.extracted, { recursive: true });
  const version = await extractionCodeVersion();
  const docs = await readNationalDocuments(documentsCsv, observationsCsv, paths.documents);
  const pending: Promise<void>[] = [];
  for (const { doc, extraction } of docs) {
    const meta: KnownDocument = { ...doc, path: join(paths.documents, `${doc.documentId}.txt`) };
    const cached: ExtractionResult = { ...extraction, codeVersion: version };
    pending.push(
      writeFile(join(paths.documents, `${doc.documentId}.json`), `${JSON.stringify(meta, null, 2)}\n`),
      writeFile(join(paths.extracted, `${doc.documentId}.${version}.json`), JSON.stringify(cached)),
    );
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return docs.length;
}

/**
 * The bundled reports' figures as plain CSV (documents.csv, observations.csv in `dir`), extracted by
 * the real code: every pipeline build loads them besides the national documents, so the baseline
 * loads them too (`build-baseline.ts --bundled DIR`) — the same rows on both sides. A handful of
 * figures, but their periods and centres widen marts.coverage (centres × periods × metrics) six-fold.
 */
export async function writeBundledCsv(dir: string): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let docs = "";
  let obs = "";
  let count = 0;
  for (const doc of (await listDocuments()).filter((d) => d.origin === "bundled")) {
    const e = await extractKnownDocument(doc);
    docs += csvRow([
      doc.documentId,
      doc.centreId,
      doc.kind,
      doc.title,
      doc.fileName,
      doc.origin,
      doc.periods.join(";"),
      doc.issuedOn,
      doc.receivedAt,
      doc.byteSize,
      e.extractorId,
    ]);
    e.observations.forEach((o, i) => {
      obs += csvRow([
        doc.documentId,
        i,
        o.centre_id,
        o.period_id,
        o.as_of_date,
        o.metric_id,
        o.breakdown,
        o.value,
        o.unit,
        o.line,
        o.quote,
        o.label,
        o.flags.join(","),
        o.note,
      ]);
      count++;
    });
  }
  await writeFile(join(dir, "documents.csv"), `${DOCUMENT_COLUMNS.join(",")}\n${docs}`);
  await writeFile(join(dir, "observations.csv"), `${OBSERVATION_COLUMNS.join(",")}\n${obs}`);
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      input: { type: "string" },
      holdout: { type: "boolean", default: false },
      "bundled-out": { type: "string" },
    },
  });
  if (!values.input) throw new Error("--input DIR is required");
  const input = inputPaths(values.input);
  useNationalCentres(values.input);
  const t = new Phases();
  const documents = values.holdout
    ? await storeNational(input.holdoutDocuments, input.holdoutObservations)
    : await storeNational(input.documents, input.observations);
  t.mark("store");
  const bundled = values["bundled-out"] ? await writeBundledCsv(values["bundled-out"]) : undefined;
  reportResult({
    name: "prepare-store",
    documents,
    bundled_figures: bundled,
    wall_s: t.total,
    phases: t.phases,
  });
}
