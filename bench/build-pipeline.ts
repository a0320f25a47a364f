/**
 * The pipeline's full build of the national data through warehouse/build.ts: the steps of
 * buildWarehouse → testWarehouse → publishWarehouse, on the documents bench/prepare-store.ts put in
 * $OBS_DATA_DIR (extractAll reads them from the extraction cache with the real code). Two things
 * differ from buildWarehouse, both because the contract cannot name 2,477 gminas: the gminas' ids are
 * put back on the cached figures, and the gminas (and the benchmark's extra metrics) are added to
 * the seeds.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/build-pipeline.ts --input DIR [--sync-reads]
 *
 * --sync-reads measures a proposed change (bench/README.md): the stored documents' metadata and
 * their cached extractions read with readFileSync instead of one awaited fs.promises.readFile per
 * file (the same parsing and validation; the bundled reports are left out of this variant).
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataPaths } from "../lib/config.ts";
import {
  extractAll,
  loadRaw,
  loadSeeds,
  publishWarehouse,
  RAW_SCHEMA,
  runModels,
  testWarehouse,
} from "../warehouse/build.ts";
import { openDuckDb } from "../warehouse/duckdb.ts";
import { ExtractionResult, extractionCodeVersion, extractKnownDocument } from "../warehouse/extract.ts";
import { recordBuildInfo } from "../warehouse/incremental.ts";
import { KnownDocument } from "../warehouse/store.ts";
import { Phases, progress, reportResult } from "./lib/child.ts";
import { addNationalSeeds, inputPaths, type LoadedDocument, restoreGminaIds } from "./lib/national.ts";

const { values } = parseArgs({
  options: { input: { type: "string" }, "sync-reads": { type: "boolean", default: false } },
});
if (!values.input) throw new Error("--input DIR is required");
const input = inputPaths(values.input);
const t = new Phases();
const log = (line: string) => progress(line);

/** listDocuments without the bundled reports: when those cannot be read (no extractors yet). */
async function storedOnly(): Promise<LoadedDocument[]> {
  const dir = dataPaths().documents;
  const out: LoadedDocument[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".json")).sort()) {
    const doc = KnownDocument.parse(JSON.parse(await readFile(join(dir, name), "utf8")));
    out.push({ doc, extraction: await extractKnownDocument(doc) });
  }
  return out;
}

/** The proposed variant of listDocuments + extractKnownDocument for the stored documents: synchronous reads. */
async function storedSync(): Promise<LoadedDocument[]> {
  const { documents: dir, extracted } = dataPaths();
  const version = await extractionCodeVersion();
  const known: KnownDocument[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    known.push(KnownDocument.parse(JSON.parse(readFileSync(join(dir, name), "utf8"))));
  }
  known.sort((a, b) => (a.receivedAt ?? "").localeCompare(b.receivedAt ?? ""));
  const out: LoadedDocument[] = [];
  for (const doc of known) {
    let text: string | null = null;
    try {
      text = readFileSync(join(extracted, `${doc.documentId}.${version}.json`), "utf8");
    } catch {
      // not cached: extracted the usual way below
    }
    const parsed = text === null ? null : ExtractionResult.safeParse(JSON.parse(text));
    out.push({ doc, extraction: parsed?.success ? parsed.data : await extractKnownDocument(doc) });
  }
  return out;
}

// 1. extractAll: every known document (the bundled reports + the national ones), from the cache.
let bundled = "included";
let docs: LoadedDocument[];
try {
  if (values["sync-reads"]) {
    bundled = "left out (variant)";
    docs = await storedSync();
  } else docs = await extractAll();
} catch (e) {
  bundled = `left out: ${(e as Error).message.split("\n")[0]}`;
  progress(`The bundled reports could not be read (${bundled}); building the national documents only.`);
  docs = await storedOnly();
}
restoreGminaIds(docs);
t.mark("extract_cached");

// 2. buildWarehouse's steps.
const { builds } = dataPaths();
await mkdir(builds, { recursive: true });
for (const f of await readdir(builds)) await rm(join(builds, f), { force: true });
const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
const buildPath = join(builds, `build-${stamp}-${process.pid}.duckdb`);
const documents = docs.length;
const db = await openDuckDb(buildPath);
let observations: number;
let models: number;
try {
  await loadSeeds(db.connection);
  await addNationalSeeds(db.connection, input.dir);
  await db.connection.run(RAW_SCHEMA);
  t.mark("seeds");
  observations = await loadRaw(db.connection, docs);
  t.mark("load");
  models = await runModels(db.connection, log);
  await recordBuildInfo(db.connection);
  await db.connection.run("checkpoint");
  t.mark("models");
} finally {
  db.close();
}

// 3. testWarehouse and publishWarehouse, as refresh runs them.
const tests = await testWarehouse(buildPath, { log });
t.mark("tests");
await publishWarehouse(buildPath, { log });
t.mark("publish");

reportResult({
  name: values["sync-reads"] ? "pipeline-build-sync-reads" : "pipeline-build",
  documents,
  observations,
  models,
  tests: tests.outcomes.length,
  warnings: tests.warnings,
  bundled,
  wall_s: t.total,
  phases: t.phases,
});
