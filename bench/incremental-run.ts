/**
 * One report arrives at national scale, until it is published (an incremental build, warehouse/build.ts):
 *   1. its text is read and extracted by the real extractors (a report in a real layout, when they
 *      recognise it; its figures are not the ones loaded, see bench/README.md);
 *   2. it is stored like an ingested document (metadata + extraction cache);
 *   3. the known documents are listed and the build planned against the published snapshot
 *      (planBuild, as the service's build task plans it: what is new, or why a full build);
 *   4. buildWarehouse with that plan: copy the snapshot, add the report's rows, update the touched
 *      gmina's models, replace the report calendar's partitions (as the service's build task does),
 *      run the data tests; then the publish.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/incremental-run.ts --input DIR
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataPaths } from "../lib/config.ts";
import { readDocumentText } from "../sources/lib/read-document.ts";
import { extractDocument } from "../sources/registry.ts";
import { buildWarehouse } from "../warehouse/build.ts";
import { buildFingerprint, readSnapshotInfo } from "../warehouse/build-info.ts";
import { discardBuild, publishWarehouse } from "../warehouse/builds.ts";
import { extractKnownDocument } from "../warehouse/extract.ts";
import { planBuild } from "../warehouse/plan.ts";
import { KnownDocument, listDocuments } from "../warehouse/store.ts";
import { Phases, progress, reportResult } from "./lib/child.ts";
import { benchPartitions, inputPaths, useNationalCentres } from "./lib/national.ts";
import { storeNational } from "./prepare-store.ts";

const { values } = parseArgs({ options: { input: { type: "string" } } });
if (!values.input) throw new Error("--input DIR is required");
const input = inputPaths(values.input);
useNationalCentres(values.input);
const t = new Phases();

// 1. The report's text through the extractors.
let extraction: Record<string, unknown> = { status: "no report text" };
const reportFiles = (
  await readdir(input.holdoutReport, { recursive: true }).catch(() => [] as string[])
).filter((f) => f.endsWith(".txt"));
for (const f of reportFiles) {
  const bytes = new Uint8Array(await readFile(join(input.holdoutReport, f)));
  try {
    const text = await readDocumentText(bytes, f);
    const r = extractDocument(text, f);
    extraction = { status: "extracted", file: f, extractor: r.extractor.id, figures: r.observations.length };
  } catch (e) {
    extraction = { status: "rejected", file: f, reason: (e as Error).message };
  }
}
t.mark("extract_report");

// 2. Stored as ingest stores it.
await storeNational(input.holdoutDocuments, input.holdoutObservations);
t.mark("store");

// 3. What is new: the known documents against the published snapshot.
let known: KnownDocument[];
try {
  known = await listDocuments();
} catch {
  // The bundled reports cannot be read (no extractors yet): the stored documents alone.
  const dir = dataPaths().documents;
  known = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".json"))) {
    known.push(KnownDocument.parse(JSON.parse(await readFile(join(dir, name), "utf8"))));
  }
}
const plan = planBuild({
  known,
  snapshot: await readSnapshotInfo(dataPaths().published),
  fingerprint: await buildFingerprint(),
});
const added = [];
if (plan.kind === "incremental") {
  const byId = new Map(known.map((d) => [d.documentId, d]));
  for (const id of plan.documentIds) {
    const doc = byId.get(id);
    if (doc) added.push({ doc, extraction: await extractKnownDocument(doc) });
  }
}
// The report calendar as of this build, as the service's build task passes it: raw.partitions is
// replaced and marts.partition_status rebuilt (the verification compares it with a full build's).
const partitions = benchPartitions(known);
t.mark("diff");

// 4. Build only what the report touches, test it, publish.
if (plan.kind !== "incremental") {
  reportResult({ name: "incremental", declined: plan.why, wall_s: t.total, phases: t.phases });
  process.exit(0);
}
const result = await buildWarehouse({ plan, extracted: added, partitions, log: progress });
const publishStarted = performance.now();
try {
  await publishWarehouse(result.buildPath, { log: progress });
} catch (e) {
  await discardBuild(result.buildPath);
  throw e;
}
result.phases.publish = (performance.now() - publishStarted) / 1000;
t.mark("incremental");

reportResult({
  name: "incremental",
  added: result.added,
  centres: result.centres,
  documents: result.documents,
  observations: result.observations,
  warnings: result.tested?.warnings ?? 0,
  extraction,
  steps: result.steps,
  incremental_phases: result.phases,
  wall_s: t.total,
  phases: t.phases,
});
