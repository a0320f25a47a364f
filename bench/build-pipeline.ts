/**
 * The pipeline's full build of the national data, as `npm run refresh` makes it: planBuild (forced:
 * a full build), buildWarehouse → testWarehouse → publishWarehouse, on the documents
 * bench/prepare-store.ts put in $OBS_DATA_DIR (read from the extraction cache by the real code). Two
 * things are added through buildWarehouse's afterLoad, both because the contract cannot name 2,477
 * gminas: the gminas' ids are put back on the cached figures (one SQL update, timed as part of the
 * load), and the gminas (and the benchmark's extra metrics) are added to the seeds.
 *
 *   OBS_DATA_DIR=… node --import tsx bench/build-pipeline.ts --input DIR [--js-objects]
 *
 * --js-objects measures the previous way of loading, for comparison (bench/README.md): every cached
 * extraction read with one awaited readFile, parsed and validated (zod) into JS objects
 * (extractAll), then appended value by value (loadRaw).
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataPaths } from "../lib/config.ts";
import { buildWarehouse, runModels } from "../warehouse/build.ts";
import { recordBuildInfo } from "../warehouse/build-info.ts";
import { publishWarehouse } from "../warehouse/builds.ts";
import { testWarehouse } from "../warehouse/data-tests.ts";
import { openDuckDb } from "../warehouse/duckdb.ts";
import { extractAll, loadPartitions, loadRaw, loadSeeds, RAW_SCHEMA } from "../warehouse/raw.ts";
import { planFromStore } from "../warehouse/refresh.ts";
import { listDocuments } from "../warehouse/store.ts";
import { Phases, progress, reportResult } from "./lib/child.ts";
import { addNationalSeeds, benchPartitions, inputPaths, useNationalCentres } from "./lib/national.ts";

const { values } = parseArgs({
  options: { input: { type: "string" }, "js-objects": { type: "boolean", default: false } },
});
if (!values.input) throw new Error("--input DIR is required");
const input = inputPaths(values.input);
useNationalCentres(values.input);
const jsObjects = values["js-objects"];
const t = new Phases();
const log = (line: string) => progress(line);

let buildPath: string;
let documents: number;
let observations: number;
let models: number;
if (!jsObjects) {
  // 1–2. The real build: every known document, its extraction from the cache, seeds, models.
  const known = await listDocuments();
  const plan = await planFromStore({ force: "benchmark" });
  t.mark("list");
  const build = await buildWarehouse({
    plan,
    known,
    // The report calendar, as the service's build task passes it (a fixed day: builds compare equal).
    partitions: benchPartitions(known),
    log,
    afterLoad: async (connection) => {
      await addNationalSeeds(connection, input.dir);
    },
  });
  // buildWarehouse's own phases: list (the extraction cache checked), load (seeds included), models, checkpoint.
  t.markParts(build.phases, "build_other");
  ({ buildPath, documents, observations, models } = build);
} else {
  // The previous way of loading: every cached extraction as JS objects, appended value by value.
  const docs = await extractAll();
  t.mark("extract_cached");
  const { builds } = dataPaths();
  await mkdir(builds, { recursive: true });
  for (const f of await readdir(builds)) await rm(join(builds, f), { force: true });
  const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
  buildPath = join(builds, `build-${stamp}-${process.pid}.duckdb`);
  documents = docs.length;
  const db = await openDuckDb(buildPath);
  try {
    await loadSeeds(db.connection);
    await addNationalSeeds(db.connection, input.dir);
    await db.connection.run(RAW_SCHEMA);
    t.mark("seeds");
    observations = await loadRaw(db.connection, docs);
    await loadPartitions(db.connection, benchPartitions(docs.map((d) => d.doc)));
    t.mark("load");
    models = (await runModels(db.connection, { log })).models.length;
    await recordBuildInfo(db.connection, "full");
    t.mark("models");
    await db.connection.run("checkpoint");
    t.mark("checkpoint");
  } finally {
    db.close();
  }
}

// 3. testWarehouse and publishWarehouse, as refresh runs them.
const tests = await testWarehouse(buildPath, { log });
t.mark("tests");
await publishWarehouse(buildPath, { log });
t.mark("publish");

reportResult({
  name: jsObjects ? "pipeline-build-js-objects" : "pipeline-build",
  documents,
  observations,
  models,
  tests: tests.outcomes.length,
  warnings: tests.warnings,
  wall_s: t.total,
  phases: t.phases,
});
