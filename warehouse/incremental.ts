/**
 * Incremental refresh: when a report arrives, build only what it touches.
 *
 * A full build re-extracts nothing (the extraction cache) but reloads every figure and recomputes
 * every model and data test: at national scale (2,477 gminas × 15 years, ~3 M figures) that is tens
 * of seconds for one new page of figures. Here instead:
 *
 *   1. copy the published snapshot to a new build file (a reflink where the file system can);
 *   2. check it was built from the same models, seeds and extraction code (meta.build_info);
 *      otherwise give up and let the caller run a full build;
 *   3. append the new documents' raw rows (the same loadRaw as a full build);
 *   4. recompute each model that reads the changed data, for the touched centres only: delete the
 *      centres' rows, insert the model's query restricted to them (its inputs filtered too). Models
 *      without a centre_id column are rebuilt whole (they are small: dim_period); models whose rows for
 *      one centre read other centres' data (CROSS_CENTRE) are rebuilt whole unless their guard shows
 *      that the cross-centre input did not change;
 *   5. run the data tests of those models on the touched centres' rows; a failing error-severity
 *      test leaves the published snapshot untouched, warnings go to marts.data_quality as usual;
 *   6. checkpoint and publish atomically (the same rename as a full build).
 *
 * Anything it cannot do incrementally (a document removed, the code or models changed, no snapshot)
 * returns null, and the caller runs a full build. The result equals a full build of the same
 * documents and report calendar (bench/lib/compare.ts compares every table: the benchmark, and
 * tests/pipeline/warehouse.test.ts with the report calendar), apart from dim_document.loaded_at.
 *
 * The report calendar (raw.partitions → marts.partition_status) is not per document: a caller that
 * passes `partitions` (the service's build task does, as for a full build) has raw.partitions
 * replaced in the copy and every model reading it rebuilt whole, with its tests run whole.
 *
 * The service uses it: its build task (pipelines/tasks/build_warehouse.ts), unless forced (`npm run
 * refresh`), gives incrementalBuild the documents the published snapshot lacks, hands the tested
 * build on (run_data_tests then publishes it without testing it again) and runs a full build when
 * this returns null or throws (a failing error test: the full build's tests then find and reject the
 * document that fails, as they always did). incrementalBuild stops before the publish;
 * incrementalRefresh publishes too (refresh({ incremental: true }), the benchmark). Callers that know
 * which documents arrived pass documentIds: finding them by listing every known document costs
 * seconds at national scale. The fault points of a full build (lib/faults.ts: build:after-load,
 * build:mid-models, test:mid-tests) are on this path too, and it removes abandoned builds as a full
 * build does.
 */
import { createHash } from "node:crypto";
import { constants, copyFile, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { dataPaths } from "../lib/config.ts";
import { faultPoint } from "../lib/faults.ts";
import {
  DataTestsFailed,
  type Log,
  loadPartitions,
  loadRaw,
  newBuildPath,
  publishWarehouse,
  type RawPartition,
  recordWarning,
  removeStaleBuilds,
  type TestOutcome,
} from "./build.ts";
import { openDuckDb, queryRows, sqlString } from "./duckdb.ts";
import { type ExtractionResult, extractionCodeVersion, extractKnownDocument } from "./extract.ts";
import { loadModels, MODELS_DIR, type Model, testsOf } from "./models.ts";
import { KnownDocument, listDocuments } from "./store.ts";

const silent: Log = () => {};

/** Where a build records what it was built from. */
const BUILD_INFO = "meta.build_info";

/**
 * Models whose rows for one centre read other centres' data. `guard` is a query over their inputs
 * whose result must not change for the centre-by-centre update to be right; `global` names the parts
 * of the model's SQL that read every centre on purpose (they are left whole, the rest is restricted
 * to the touched centres; a part no longer found in the SQL makes the update filter the output only,
 * which is right but slower). coverage crosses every centre with every period and metric seen
 * anywhere: a report bringing a new period or metric changes the grid of all centres, so then it is
 * rebuilt whole. A new model that compares centres (a national ranking, a share of the voivodeship)
 * must be added here, or it is updated wrongly.
 */
export const CROSS_CENTRE: Record<string, { guard: string; global: string[] }> = {
  "marts.coverage": {
    guard: `select
      (select list(distinct period_id order by period_id) from marts.fct_observation) as periods,
      (select list(distinct metric_id order by metric_id) from marts.fct_observation) as metrics,
      (select list(centre_id order by centre_id) from marts.dim_centre) as centres`,
    global: [
      "(select distinct period_id from marts.fct_observation)",
      "(select distinct metric_id from marts.fct_observation)",
    ],
  },
};

/** The tables that change when documents are added. */
const RAW_TABLES = ["raw.documents", "raw.observations"];

/** The report calendar's partitions: replaced whole when the caller passes them. */
const RAW_PARTITIONS = "raw.partitions";

const TABLE_REF = /\b(raw|seeds|staging|intermediate|marts)\.([a-z_][a-z0-9_]*)\b(?!\.)/g;

const WAREHOUSE_DIR = fileURLToPath(new URL("./", import.meta.url));

/**
 * Everything but the documents that decides what a build contains: the extraction code and seeds
 * (extractionCodeVersion), the models and their tests, and the build code itself. A snapshot built
 * from another fingerprint is never updated incrementally.
 */
export async function buildFingerprint(): Promise<string> {
  const hash = createHash("sha256").update(await extractionCodeVersion());
  for (const layer of ["staging", "intermediate", "marts"]) {
    const dir = join(MODELS_DIR, layer);
    const files = (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => /\.(sql|yml)$/.test(f))
      .sort();
    for (const f of files) hash.update(`${layer}/${f}`).update(await readFile(join(dir, f)));
  }
  for (const f of ["build.ts", "models.ts", "incremental.ts"]) {
    hash.update(f).update(await readFile(join(WAREHOUSE_DIR, f)));
  }
  return hash.digest("hex").slice(0, 16);
}

/** Record in a build what it was built from (a full build calls this after its models). */
export async function recordBuildInfo(connection: DuckDBConnection, kind: "full" | "incremental" = "full") {
  const fingerprint = await buildFingerprint();
  await connection.run(`
    create schema if not exists meta;
    create or replace table ${BUILD_INFO} as
      select ${sqlString(fingerprint)} as fingerprint, ${sqlString(kind)} as kind, current_timestamp as built_at
  `);
}

export interface ModelStep {
  model: string;
  strategy: "partition" | "partition-output" | "rebuild";
  seconds: number;
}

export interface IncrementalResult {
  buildPath: string;
  added: number;
  centres: string[];
  documents: number;
  observations: number;
  /** Models recomputed (steps). */
  models: number;
  /** Failed warning tests of the whole build (what a full build's testWarehouse counts). */
  warnings: number;
  steps: ModelStep[];
  phases: Record<string, number>;
  seconds: number;
}

const refsOf = (sql: string) => new Set([...sql.matchAll(TABLE_REF)].map((m) => `${m[1]}.${m[2]}`));

/** Replace each reference to a partitioned table by the touched centres' rows of it. */
function restrict(sql: string, partitioned: Set<string>, centres: string): string {
  return sql.replace(TABLE_REF, (ref) =>
    partitioned.has(ref) ? `(select * from ${ref} where centre_id in (${centres}))` : ref,
  );
}

/** restrict, leaving the given parts whole; null when a part is not in the SQL (whitespace aside). */
function restrictExcept(
  sql: string,
  global: string[],
  partitioned: Set<string>,
  centres: string,
): string | null {
  const kept: string[] = [];
  let body = sql;
  for (const part of global) {
    const re = new RegExp(part.trim().split(/\s+/).map(escapeRegExp).join("\\s+"));
    const m = re.exec(body);
    if (!m) return null;
    body = body.replace(re, `⟦${kept.length}⟧`);
    kept.push(m[0]);
  }
  return restrict(body, partitioned, centres).replace(/⟦(\d+)⟧/g, (_, i) => kept[Number(i)] as string);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A fingerprint of a small table's content, to tell whether rebuilding it changed it. */
async function contentHash(connection: DuckDBConnection, table: string): Promise<string> {
  const [row] = await queryRows(
    connection,
    `select count(*) as n, coalesce(sum(hash(t)::hugeint), 0)::varchar as h from ${table} t`,
  );
  return `${row?.n}:${row?.h}`;
}

const guardValue = async (connection: DuckDBConnection, sql: string) =>
  JSON.stringify((await connection.runAndReadAll(sql)).getRowsJson());

/**
 * Add documents to an open build (a copy of a published snapshot) and bring every model and data
 * test up to date for the centres they belong to.
 */
export async function applyIncremental(
  connection: DuckDBConnection,
  added: { doc: KnownDocument; extraction: ExtractionResult }[],
  opts: { log?: Log; partitions?: RawPartition[] } = {},
): Promise<{
  steps: ModelStep[];
  outcomes: TestOutcome[];
  warnings: number;
  centres: string[];
  seconds: { load_and_models: number; tests: number };
}> {
  const log = opts.log ?? silent;
  const started = performance.now();
  const centreIds = [...new Set(added.map((d) => d.doc.centreId))].sort();
  const centres = centreIds.map(sqlString).join(", ");
  const models = loadModels();

  const withCentre = new Set(
    (
      await queryRows(
        connection,
        `select table_schema || '.' || table_name as id from information_schema.columns
         where column_name = 'centre_id' and table_catalog = current_database()`,
      )
    ).map((r) => String(r.id)),
  );
  const guardsBefore = new Map<string, string>();
  for (const [model, { guard }] of Object.entries(CROSS_CENTRE))
    guardsBefore.set(model, await guardValue(connection, guard));

  await loadRaw(connection, added);
  // The report calendar as of this build, for every centre: what reads it is rebuilt whole.
  const changedWhole = new Set<string>(); // tables that changed beyond the touched centres
  if (opts.partitions) {
    await connection.run(`delete from ${RAW_PARTITIONS}`);
    await loadPartitions(connection, opts.partitions);
    changedWhole.add(RAW_PARTITIONS);
  }
  faultPoint("build:after-load");

  // Which models read the new rows, and how each is brought up to date.
  const changed = new Set(RAW_TABLES); // tables whose touched centres' rows changed
  const partitioned = new Set(RAW_TABLES); // tables holding exact rows for the touched centres
  const steps: ModelStep[] = [];
  for (const [i, model] of models.entries()) {
    if (i === Math.floor(models.length / 2)) faultPoint("build:mid-models");
    const refs = refsOf(model.sql);
    if (![...refs].some((r) => changed.has(r) || changedWhole.has(r))) continue;
    const started = performance.now();
    let strategy: ModelStep["strategy"];
    const cross = CROSS_CENTRE[model.id];
    let crossBody: string | null = null;
    if (!withCentre.has(model.id) || [...refs].some((r) => changedWhole.has(r))) strategy = "rebuild";
    else if (cross) {
      if ((await guardValue(connection, cross.guard)) !== guardsBefore.get(model.id)) strategy = "rebuild";
      else {
        crossBody = restrictExcept(model.sql, cross.global, partitioned, centres);
        strategy = crossBody === null ? "partition-output" : "partition";
      }
    } else strategy = "partition";

    if (strategy === "rebuild") {
      const before = await contentHash(connection, model.id);
      await connection.run(`create or replace table ${model.id} as ${model.sql}`);
      if ((await contentHash(connection, model.id)) !== before) changedWhole.add(model.id);
    } else {
      const body =
        strategy === "partition-output"
          ? model.sql
          : (crossBody ?? restrict(model.sql, partitioned, centres));
      // data_quality also holds the warnings of data tests: those of tests run again below go then.
      const keep = model.id === "marts.data_quality" ? " and check_name not like 'test:%'" : "";
      await connection.run(`delete from ${model.id} where centre_id in (${centres})${keep}`);
      await connection.run(
        `insert into ${model.id} by name select * from (${body}) where centre_id in (${centres})`,
      );
      changed.add(model.id);
      partitioned.add(model.id);
    }
    const seconds = (performance.now() - started) / 1000;
    steps.push({ model: model.id, strategy, seconds });
    log(`  model ${model.id}: ${strategy} (${Math.round(seconds * 1000)} ms)`);
  }

  const testsStarted = performance.now();
  const { outcomes, warnings } = await testTouched(connection, models, steps, partitioned, centres, log);
  const seconds = {
    load_and_models: (testsStarted - started) / 1000,
    tests: (performance.now() - testsStarted) / 1000,
  };
  return { steps, outcomes, warnings, centres: centreIds, seconds };
}

/** The data tests of the models brought up to date, on the touched centres' rows (whole for rebuilt models). */
async function testTouched(
  connection: DuckDBConnection,
  models: Model[],
  steps: ModelStep[],
  partitioned: Set<string>,
  centres: string,
  log: Log,
) {
  const touched = new Map(steps.map((s) => [s.model, s.strategy]));
  const tested = models.filter((m) => touched.has(m.id));
  log(`Running ${tested.flatMap(testsOf).length} data tests on the touched centres…`);
  const outcomes: TestOutcome[] = [];
  // In model order, as testWarehouse runs them (warnings land in data_quality as they go); the
  // tests of one model are counted in one query (their round trips were most of the time).
  for (const [m, model] of tested.entries()) {
    if (m === Math.floor(tested.length / 2)) faultPoint("test:mid-tests");
    const whole = touched.get(model.id) === "rebuild";
    const tests = testsOf(model).map((t) => ({
      ...t,
      sql: whole ? t.sql : restrict(t.sql, partitioned, centres),
    }));
    if (tests.length === 0) continue;
    let counts: number[];
    try {
      const [row] = await queryRows(
        connection,
        `select ${tests.map((t, i) => `(select count(*) from (${t.sql})) as n${i}`).join(", ")}`,
      );
      counts = tests.map((_, i) => Number(row?.[`n${i}`] ?? 0));
    } catch {
      // One of them cannot run: find which, one by one.
      counts = [];
      for (const test of tests) {
        try {
          const [row] = await queryRows(connection, `select count(*) as n from (${test.sql})`);
          counts.push(Number(row?.n ?? 0));
        } catch (e) {
          throw new Error(`data test ${test.model}: ${test.name} could not run: ${(e as Error).message}`);
        }
      }
    }
    for (const [i, test] of tests.entries()) {
      const failures = counts[i] ?? 0;
      outcomes.push({ ...test, failures, passed: failures === 0 });
      if (test.severity === "warn") {
        const check = sqlString(`test:${test.model}.${test.name}`);
        await connection.run(
          whole
            ? `delete from marts.data_quality where check_name = ${check}`
            : `delete from marts.data_quality where check_name = ${check} and centre_id in (${centres})`,
        );
      }
      if (failures > 0) {
        log(
          `  ${test.severity === "error" ? "✗ ERROR" : "! warn"} ${test.model}: ${test.name} — ${failures} row(s)`,
        );
        if (test.severity === "warn") await recordWarning(connection, test);
      }
    }
  }
  const failedErrors = outcomes.filter((t) => !t.passed && t.severity === "error");
  if (failedErrors.length > 0) throw new DataTestsFailed(failedErrors);
  // Every failed warning test of the build, touched or not, has its rows in data_quality.
  const [row] = await queryRows(
    connection,
    "select count(distinct check_name) as n from marts.data_quality where check_name like 'test:%'",
  );
  return { outcomes, warnings: Number(row?.n ?? 0) };
}

async function snapshotHas(connection: DuckDBConnection, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await queryRows(
    connection,
    `select document_id from raw.documents where document_id in (${ids.map(sqlString).join(", ")})`,
  );
  return new Set(rows.map((r) => String(r.document_id)));
}

/** A stored document's metadata by id ($OBS_DATA_DIR/documents/<id>.json), or null. */
async function storedDocument(id: string): Promise<KnownDocument | null> {
  const text = await readFile(join(dataPaths().documents, `${id}.json`), "utf8").catch(() => null);
  if (text === null) return null;
  const parsed = KnownDocument.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/**
 * Build the documents that arrived since the published snapshot into a copy of it, tested on the
 * touched centres, not yet published (the service's build task hands it to its publish task).
 * `documentIds` names them (ingest knows them), `documents` gives them already extracted (the
 * benchmark); by default they are the known documents the snapshot lacks (which lists every known
 * document: seconds at national scale). Returns null when only a full build can do it (no snapshot,
 * a document gone, other models, seeds or code, nothing new); throws DataTestsFailed like a full build.
 */
export async function incrementalBuild(
  opts: {
    log?: Log;
    /** The documents that arrived (ingest knows them): no listing of every known document. */
    documentIds?: string[];
    /** The same, already extracted. */
    documents?: { doc: KnownDocument; extraction: ExtractionResult }[];
    /**
     * The report calendar as of this build (as buildWarehouse takes it): replaces raw.partitions of
     * the copy, and marts.partition_status is rebuilt. Without it the snapshot's partitions stay.
     */
    partitions?: RawPartition[];
  } = {},
): Promise<IncrementalResult | null> {
  const log = opts.log ?? silent;
  const started = performance.now();
  const phases: Record<string, number> = {};
  let last = started;
  const mark = (name: string) => {
    const now = performance.now();
    phases[name] = (now - last) / 1000;
    last = now;
  };
  const { published } = dataPaths();
  if (!(await stat(published).catch(() => null))) return null;

  const buildPath = newBuildPath();
  await mkdir(dirname(buildPath), { recursive: true });
  // Builds a killed process left behind (here or in a full build) go, as a full build removes them.
  await removeStaleBuilds(log, buildPath);
  // A reflink on file systems that have them (btrfs, XFS), a plain copy elsewhere.
  await copyFile(published, buildPath, constants.COPYFILE_FICLONE);
  mark("copy");
  const db = await openDuckDb(buildPath);
  let ok = false;
  try {
    const info = await queryRows(db.connection, `select fingerprint from ${BUILD_INFO}`).catch(() => []);
    if (info[0]?.fingerprint !== (await buildFingerprint())) {
      log("The published snapshot was built from other models or code: a full build is needed.");
      return null;
    }
    let added = opts.documents;
    if (!added && opts.documentIds) {
      const inSnapshot = await snapshotHas(db.connection, opts.documentIds);
      added = [];
      for (const id of opts.documentIds.filter((d) => !inSnapshot.has(d))) {
        const doc = await storedDocument(id);
        if (!doc) {
          log(`Document ${id} is not in the store: a full build is needed.`);
          return null;
        }
        added.push({ doc, extraction: await extractKnownDocument(doc) });
      }
    }
    if (!added) {
      const inSnapshot = new Set(
        (await queryRows(db.connection, "select document_id from raw.documents")).map((r) =>
          String(r.document_id),
        ),
      );
      const known = await listDocuments();
      const knownIds = new Set(known.map((d) => d.documentId));
      if ([...inSnapshot].some((id) => !knownIds.has(id))) {
        log("A published document is gone: a full build is needed.");
        return null;
      }
      added = [];
      for (const doc of known.filter((d) => !inSnapshot.has(d.documentId))) {
        added.push({ doc, extraction: await extractKnownDocument(doc) });
      }
    }
    mark("extract");
    if (added.length === 0) {
      log("Nothing new since the published snapshot.");
      return null;
    }
    log(`Adding ${added.length} document(s) to a copy of the published snapshot…`);
    const applied = await applyIncremental(db.connection, added, { log, partitions: opts.partitions });
    mark("models_and_tests");
    phases.load_and_models = applied.seconds.load_and_models;
    phases.tests = applied.seconds.tests;
    delete phases.models_and_tests;
    await recordBuildInfo(db.connection, "incremental");
    const [counts] = await queryRows(
      db.connection,
      "select (select count(*) from raw.documents) as documents, (select count(*) from raw.observations) as observations",
    );
    await db.connection.run("checkpoint");
    db.close();
    mark("checkpoint");
    ok = true;
    return {
      buildPath,
      added: added.length,
      centres: applied.centres,
      documents: Number(counts?.documents),
      observations: Number(counts?.observations),
      models: applied.steps.length,
      warnings: applied.warnings,
      steps: applied.steps,
      phases,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (!ok) {
      try {
        db.close();
      } catch {
        // closed already
      }
      await rm(buildPath, { force: true });
    }
  }
}

/** incrementalBuild, then the same atomic publish as a full build. Null: run a full build instead. */
export async function incrementalRefresh(
  opts: Parameters<typeof incrementalBuild>[0] = {},
): Promise<(IncrementalResult & { publishedPath: string }) | null> {
  const started = performance.now();
  const build = await incrementalBuild(opts);
  if (!build) return null;
  try {
    const publishStarted = performance.now();
    const publishedPath = await publishWarehouse(build.buildPath, opts);
    build.phases.publish = (performance.now() - publishStarted) / 1000;
    return { ...build, publishedPath, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    await rm(build.buildPath, { force: true });
    throw e;
  }
}
