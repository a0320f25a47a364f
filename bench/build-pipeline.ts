/**
 * The pipeline's full build of the national data through warehouse/build.ts: the steps of
 * buildWarehouse → testWarehouse → publishWarehouse, on the documents bench/prepare-store.ts put in
 * $OBS_DATA_DIR (listExtracted + loadCachedRaw read them from the extraction cache with the real
 * code). Two things differ from buildWarehouse, both because the contract cannot name 2,477 gminas:
 * the gminas' ids are put back on the cached figures (one SQL update, timed as part of the load), and
 * the gminas (and the benchmark's extra metrics) are added to the seeds.
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
import {
  extractAll,
  listExtracted,
  loadCachedRaw,
  loadPartitions,
  loadRaw,
  loadSeeds,
  publishWarehouse,
  RAW_SCHEMA,
  runModels,
  testWarehouse,
} from "../warehouse/build.ts";
import { openDuckDb } from "../warehouse/duckdb.ts";
import { recordBuildInfo } from "../warehouse/incremental.ts";
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

// 1. Every known document (the bundled reports + the national ones), its extraction from the cache.
const listed = jsObjects ? null : await listExtracted();
const docs = jsObjects ? await extractAll() : null;
t.mark(jsObjects ? "extract_cached" : "list");

// 2. buildWarehouse's steps.
const { builds } = dataPaths();
await mkdir(builds, { recursive: true });
for (const f of await readdir(builds)) await rm(join(builds, f), { force: true });
const stamp = new Date().toISOString().replace(/[-:.]/g, "").replace("T", "-").slice(0, 15);
const buildPath = join(builds, `build-${stamp}-${process.pid}.duckdb`);
const documents = (listed ?? docs ?? []).length;
const db = await openDuckDb(buildPath);
let observations: number;
let models: number;
try {
  await loadSeeds(db.connection);
  await addNationalSeeds(db.connection, input.dir);
  await db.connection.run(RAW_SCHEMA);
  t.mark("seeds");
  if (listed) {
    observations = await loadCachedRaw(db.connection, listed, log);
  } else observations = await loadRaw(db.connection, docs ?? []);
  // The report calendar, as the service's build task passes it (a fixed day: builds compare equal).
  await loadPartitions(db.connection, benchPartitions((listed ?? docs ?? []).map((d) => d.doc)));
  t.mark("load");
  models = await runModels(db.connection, log);
  await recordBuildInfo(db.connection);
  t.mark("models");
  await db.connection.run("checkpoint");
  t.mark("checkpoint");
} finally {
  db.close();
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
